using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// Compiles an EventBridge event pattern into <see cref="ObjectPattern"/>s and matchers, checking it as EventBridge's
/// matcher (aws/event-ruler) does and saying, by JSON path, what is wrong when it is not a pattern. A field named
/// twice keeps its last value (EventBridge: "the last reference will be the one used"); nested objects named twice
/// are merged field by field, as EventBridge's compiler keys rules by their full path.
/// </summary>
internal static class PatternCompiler
{
    private const string Or = "$or";

    private static readonly string[] Operators =
        ["prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"];

    /// <summary>Compiles the pattern whose root is <paramref name="root"/>.</summary>
    public static ObjectPattern Compile(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new EventPatternException("$", $"an event pattern is a JSON object of event fields; this one is {Describe(root)}.");
        }

        var builder = new ObjectBuilder();
        AddFields(builder, root, "$", insideOr: false);
        return builder.Build();
    }

    private static void AddFields(ObjectBuilder builder, JsonElement pattern, string path, bool insideOr)
    {
        var empty = true;
        foreach (var property in pattern.EnumerateObject())
        {
            empty = false;
            var name = property.Name;
            var value = property.Value;
            var fieldPath = Child(path, name);
            if (name == Or)
            {
                builder.OrGroups.Add(CompileOr(value, fieldPath));
                continue;
            }

            if (insideOr && Operators.Contains(name, StringComparer.Ordinal))
            {
                throw new EventPatternException(
                    fieldPath,
                    $"'{name}' is an operator, not an event field: inside $or each alternative is an object of event fields, and an operator goes in a field's array, like \"field\": [{{\"{name}\": ...}}].");
            }

            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    var nested = builder.Nested(name);
                    AddFields(nested, value, fieldPath, insideOr);
                    builder.Set(name, nested);
                    break;
                case JsonValueKind.Array:
                    builder.Set(name, CompileValues(value, fieldPath));
                    break;
                default:
                    var hint = value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null
                        ? $" (to match it, write [{value.GetRawText()}])"
                        : string.Empty;
                    throw new EventPatternException(
                        fieldPath, $"a field's value is an array of values to match or an object of nested fields; this one is {Describe(value)}{hint}.");
            }
        }

        if (empty)
        {
            throw new EventPatternException(path, "empty objects are not allowed: name at least one event field to match.");
        }
    }

    private static ObjectPattern[] CompileOr(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new EventPatternException(path, $"$or takes an array of at least two objects, one per alternative; this one is {Describe(value)}.");
        }

        var alternatives = new List<ObjectPattern>();
        var index = 0;
        foreach (var element in value.EnumerateArray())
        {
            var elementPath = Index(path, index++);
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new EventPatternException(elementPath, $"each $or alternative is an object of event fields; this one is {Describe(element)}.");
            }

            var builder = new ObjectBuilder();
            AddFields(builder, element, elementPath, insideOr: true);
            alternatives.Add(builder.Build());
        }

        if (alternatives.Count < 2)
        {
            throw new EventPatternException(path, $"$or needs at least two alternatives; this one has {alternatives.Count}.");
        }

        return [.. alternatives];
    }

    private static LeafPattern CompileValues(JsonElement array, string path)
    {
        var matchers = new List<ValueMatcher>();
        bool whenPresent = false, whenAbsent = false;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var elementPath = Index(path, index++);
            switch (element.ValueKind)
            {
                case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    matchers.Add(ExactValueMatcher.For(element));
                    break;
                case JsonValueKind.Object:
                    if (IsExists(element, elementPath) is { } exists)
                    {
                        whenPresent |= exists;
                        whenAbsent |= !exists;
                    }
                    else
                    {
                        matchers.Add(CompileOperator(element, elementPath));
                    }

                    break;
                default:
                    throw new EventPatternException(
                        elementPath, $"a value to match is a string, a number, true, false, null or an operator object like {{\"prefix\": \"...\"}}; this one is {Describe(element)}.");
            }
        }

        if (index == 0)
        {
            throw new EventPatternException(path, "empty arrays are not allowed: list at least one value to match.");
        }

        return new LeafPattern([.. matchers], whenPresent, whenAbsent);
    }

    /// <summary>The operator object's one name and value; throws when it has none or several.</summary>
    private static (string Name, JsonElement Value) SingleOperator(JsonElement expression, string path, string what)
    {
        (string, JsonElement)? single = null;
        var names = new List<string>();
        foreach (var property in expression.EnumerateObject())
        {
            names.Add(property.Name);
            single = (property.Name, property.Value);
        }

        return names.Count switch
        {
            0 => throw new EventPatternException(path, $"{what} names one operator; this one is empty."),
            1 => single!.Value,
            _ => throw new EventPatternException(path, $"{what} names exactly one operator; this one names {names.Count}: {string.Join(", ", names)}."),
        };
    }

    private static bool? IsExists(JsonElement expression, string path)
    {
        var (name, value) = SingleOperator(expression, path, "an operator object");
        if (name != "exists")
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new EventPatternException(Child(path, name), $"exists takes true or false; this one is {Describe(value)}."),
        };
    }

    private static ValueMatcher CompileOperator(JsonElement expression, string path)
    {
        var (name, value) = SingleOperator(expression, path, "an operator object");
        var operatorPath = Child(path, name);
        switch (name)
        {
            case "prefix":
                return CompileAffix(StringOperatorMatcher.Operation.Prefix, name, value, operatorPath);
            case "suffix":
                return CompileAffix(StringOperatorMatcher.Operation.Suffix, name, value, operatorPath);
            case "equals-ignore-case":
                return new StringOperatorMatcher(StringOperatorMatcher.Operation.Whole, RequireString(name, value, operatorPath), ignoreCase: true);
            case "wildcard":
                return WildcardMatcher.Parse(RequireString(name, value, operatorPath), operatorPath);
            case "cidr":
                return CidrMatcher.Parse(RequireString(name, value, operatorPath), operatorPath);
            case "numeric":
                return CompileNumeric(value, operatorPath);
            case "anything-but":
                return CompileAnythingBut(value, operatorPath);
            default:
                throw new EventPatternException(
                    operatorPath, $"unknown operator '{name}'; EventBridge's operators are {string.Join(", ", Operators)}.");
        }
    }

    private static StringOperatorMatcher CompileAffix(StringOperatorMatcher.Operation operation, string name, JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return new StringOperatorMatcher(operation, value.GetString()!, ignoreCase: false);
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var (inner, text) = SingleOperator(value, path, $"the object of {name}");
            if (inner == "equals-ignore-case")
            {
                return new StringOperatorMatcher(operation, RequireString(inner, text, Child(path, inner)), ignoreCase: true);
            }

            throw new EventPatternException(Child(path, inner), $"{name} takes a string or {{\"equals-ignore-case\": \"...\"}}; '{inner}' is not supported inside it.");
        }

        throw new EventPatternException(path, $"{name} takes a string or {{\"equals-ignore-case\": \"...\"}}; this one is {Describe(value)}.");
    }

    private static AnythingButMatcher CompileAnythingBut(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String or JsonValueKind.Number:
                return new AnythingButMatcher([ExactValueMatcher.For(value)]);
            case JsonValueKind.Array:
                return new AnythingButMatcher(CompileExcludedLiterals(value, path));
            case JsonValueKind.Object:
                var (name, operand) = SingleOperator(value, path, "the object of anything-but");
                var operandPath = Child(path, name);
                return name switch
                {
                    "prefix" => new AnythingButMatcher(ExcludedStrings(name, operand, operandPath, (text, _) => new StringOperatorMatcher(StringOperatorMatcher.Operation.Prefix, text, false))),
                    "suffix" => new AnythingButMatcher(ExcludedStrings(name, operand, operandPath, (text, _) => new StringOperatorMatcher(StringOperatorMatcher.Operation.Suffix, text, false))),
                    "equals-ignore-case" => new AnythingButMatcher(ExcludedStrings(name, operand, operandPath, (text, _) => new StringOperatorMatcher(StringOperatorMatcher.Operation.Whole, text, true))),
                    "wildcard" => new AnythingButMatcher(ExcludedStrings(name, operand, operandPath, WildcardMatcher.Parse)),
                    _ => throw new EventPatternException(
                        operandPath, $"anything-but takes a value, a list of values, or one of prefix, suffix, equals-ignore-case and wildcard; '{name}' is not supported inside it."),
                };
            default:
                throw new EventPatternException(
                    path, $"anything-but takes a string, a number, a list of strings or of numbers, or an object like {{\"prefix\": \"...\"}}; this one is {Describe(value)}.");
        }
    }

    private static ValueMatcher[] CompileExcludedLiterals(JsonElement array, string path)
    {
        var matchers = new List<ValueMatcher>();
        JsonValueKind? kind = null;
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var elementPath = Index(path, index++);
            if (element.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                throw new EventPatternException(elementPath, $"anything-but lists strings or numbers; this one is {Describe(element)}.");
            }

            if (kind is { } first && first != element.ValueKind)
            {
                throw new EventPatternException(elementPath, "anything-but lists either strings or numbers, not both.");
            }

            kind = element.ValueKind;
            matchers.Add(ExactValueMatcher.For(element));
        }

        if (matchers.Count == 0)
        {
            throw new EventPatternException(path, "anything-but's list is empty: list at least one value to exclude.");
        }

        return [.. matchers];
    }

    private static ValueMatcher[] ExcludedStrings(string name, JsonElement operand, string path, Func<string, string, ValueMatcher> matcher)
    {
        var texts = new List<(string Text, string Path)>();
        if (operand.ValueKind == JsonValueKind.String)
        {
            texts.Add((operand.GetString()!, path));
        }
        else if (operand.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var element in operand.EnumerateArray())
            {
                var elementPath = Index(path, index++);
                texts.Add((RequireString(name, element, elementPath), elementPath));
            }

            if (texts.Count == 0)
            {
                throw new EventPatternException(path, $"anything-but {name} lists at least one string.");
            }
        }
        else
        {
            throw new EventPatternException(path, $"anything-but {name} takes a string or a list of strings; this one is {Describe(operand)}.");
        }

        var matchers = new ValueMatcher[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].Text.Length == 0 && name is "prefix" or "suffix")
            {
                throw new EventPatternException(texts[i].Path, $"anything-but {name} cannot be empty: every string has the empty {name}, so nothing would match.");
            }

            matchers[i] = matcher(texts[i].Text, texts[i].Path);
        }

        return matchers;
    }

    private static NumericRangeMatcher CompileNumeric(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new EventPatternException(path, $"numeric takes an array of operators and numbers, like [\">\", 0, \"<=\", 5]; this one is {Describe(value)}.");
        }

        var terms = value.EnumerateArray().ToArray();
        if (terms.Length == 0)
        {
            throw new EventPatternException(path, "numeric's array is empty: it takes an operator and a number, like [\"<\", 10].");
        }

        var first = NumericOperator(terms, 0, path, ["=", "<", "<=", ">", ">="]);
        var firstNumber = NumericOperand(terms, 1, first, path);
        if (first is "=" or "<" or "<=")
        {
            if (terms.Length > 2)
            {
                throw new EventPatternException(
                    Index(path, 2),
                    first == "="
                        ? "numeric \"=\" stands alone: it takes one number."
                        : $"a numeric range starts with its lower bound: write [\">\" or \">=\", low, \"<\" or \"<=\", high], not \"{first}\" first.");
            }

            return first switch
            {
                "=" => new NumericRangeMatcher(firstNumber, true, firstNumber, true),
                "<" => new NumericRangeMatcher(null, false, firstNumber, false),
                _ => new NumericRangeMatcher(null, false, firstNumber, true),
            };
        }

        if (terms.Length == 2)
        {
            return new NumericRangeMatcher(firstNumber, first == ">=", null, false);
        }

        var second = NumericOperator(terms, 2, path, ["<", "<="]);
        var secondNumber = NumericOperand(terms, 3, second, path);
        if (terms.Length > 4)
        {
            throw new EventPatternException(Index(path, 4), "numeric takes at most two operators, each followed by its number.");
        }

        if (firstNumber.CompareTo(secondNumber) >= 0)
        {
            throw new EventPatternException(path, $"numeric's lower bound {firstNumber} must be less than its upper bound {secondNumber}.");
        }

        return new NumericRangeMatcher(firstNumber, first == ">=", secondNumber, second == "<=");
    }

    private static string NumericOperator(JsonElement[] terms, int index, string path, string[] allowed)
    {
        var term = terms[index];
        var termPath = Index(path, index);
        var expected = string.Join(", ", allowed.Select(op => $"\"{op}\""));
        if (term.ValueKind != JsonValueKind.String)
        {
            throw new EventPatternException(termPath, $"numeric expects an operator here ({expected}); this one is {Describe(term)}.");
        }

        var op = term.GetString()!;
        return allowed.Contains(op, StringComparer.Ordinal)
            ? op
            : throw new EventPatternException(termPath, $"numeric operator '{op}' is not allowed here; expected {expected}.");
    }

    private static JsonNumber NumericOperand(JsonElement[] terms, int index, string op, string path)
    {
        if (index >= terms.Length)
        {
            throw new EventPatternException(path, $"numeric operator \"{op}\" needs a number after it.");
        }

        var term = terms[index];
        var termPath = Index(path, index);
        if (term.ValueKind != JsonValueKind.Number)
        {
            throw new EventPatternException(termPath, $"numeric operator \"{op}\" needs a number after it; this one is {Describe(term)}.");
        }

        return JsonNumber.TryRead(term, out var number)
            ? number
            : throw new EventPatternException(termPath, $"numeric bound {term.GetRawText()} is too large to compare.");
    }

    private static string RequireString(string name, JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new EventPatternException(path, $"{name} takes a string; this one is {Describe(value)}.");

    /// <summary>A JSON value as an error message names it: its type, and for a scalar its text.</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"a string ({value.GetRawText()})",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    /// <summary>The path of field <paramref name="name"/> under <paramref name="path"/>: dotted when the name is plain, bracketed otherwise.</summary>
    internal static string Child(string path, string name)
    {
        var plain = name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '$');
        if (plain)
        {
            return path + "." + name;
        }

        var escaped = new StringBuilder(name.Length + 8).Append(path).Append("['");
        foreach (var c in name)
        {
            escaped.Append(c is '\'' or '\\' ? "\\" + c : c.ToString());
        }

        return escaped.Append("']").ToString();
    }

    private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    /// <summary>A pattern object being compiled: its fields in order (a repeated name keeps its place and takes the last value) and its $or groups.</summary>
    private sealed class ObjectBuilder
    {
        private readonly List<string> _order = [];
        private readonly Dictionary<string, object> _fields = new(StringComparer.Ordinal);

        public List<ObjectPattern[]> OrGroups { get; } = [];

        /// <summary>The nested object already declared under <paramref name="name"/>, to merge into, or a new one.</summary>
        public ObjectBuilder Nested(string name) =>
            _fields.TryGetValue(name, out var existing) && existing is ObjectBuilder nested ? nested : new ObjectBuilder();

        public void Set(string name, object field)
        {
            if (!_fields.ContainsKey(name))
            {
                _order.Add(name);
            }

            _fields[name] = field;
        }

        public ObjectPattern Build()
        {
            var fields = new KeyValuePair<string, FieldPattern>[_order.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                var field = _fields[_order[i]];
                fields[i] = new(_order[i], field as FieldPattern ?? ((ObjectBuilder)field).Build());
            }

            return new ObjectPattern(fields, [.. OrGroups]);
        }
    }
}
