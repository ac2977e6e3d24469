using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The part of the Workflows expression language (<c>${…}</c>) the generated workflows use: literals, variables,
/// <c>.</c> and <c>[]</c> access, <c>+ - * / %</c>, comparisons, <c>in</c>, <c>and or not</c> and a few standard
/// library functions (<c>sys.get_env</c>, <c>default</c>, <c>map.get</c>, <c>list.concat</c>, <c>string</c>,
/// <c>len</c>). It is stricter than Workflows where Workflows is strict (a string plus an integer is a TypeError, a
/// missing map key a KeyError) and where the documentation does not say: <c>and</c>/<c>or</c> evaluate both sides,
/// so a definition that would rely on short-circuiting fails here. Anything outside the subset throws
/// <see cref="NotSupportedException"/>, so a generator change that leaves it fails the tests instead of passing
/// untested.
/// </summary>
public static class WorkflowExpression
{
    private static readonly ConcurrentDictionary<string, Node> Parsed = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="value"/> is a whole <c>${…}</c> expression.</summary>
    public static bool IsExpression(string value) =>
        value.StartsWith("${", StringComparison.Ordinal) && value.EndsWith('}');

    /// <summary>Evaluates the expression <paramref name="source"/> (with its <c>${</c> and <c>}</c>).</summary>
    /// <param name="source">The expression.</param>
    /// <param name="variable">Looks a variable up; throws when it is not defined.</param>
    /// <param name="environment">The workflow's environment variables, for <c>sys.get_env</c>.</param>
    public static object? Evaluate(string source, Func<string, object?> variable, IReadOnlyDictionary<string, string> environment)
    {
        var node = Parsed.GetOrAdd(source, s => new Parser(s[2..^1]).ParseAll());
        return node.Evaluate(new Context(variable, environment));
    }

    /// <summary>Workflows equality: numbers by value (1 == 1.0), lists and maps deeply, other types never equal.</summary>
    public static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long x, long y) => x == y,
        (long or double, long or double) => Convert.ToDouble(a, CultureInfo.InvariantCulture) == Convert.ToDouble(b, CultureInfo.InvariantCulture),
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
        (Dictionary<string, object?> x, Dictionary<string, object?> y) =>
            x.Count == y.Count && x.All(e => y.TryGetValue(e.Key, out var v) && ValueEquals(e.Value, v)),
        _ => false,
    };

    /// <summary>A Workflows error map, as the runtime raises it: tags and message.</summary>
    public static WorkflowException Error(string tag, string message) =>
        new(new Dictionary<string, object?>(StringComparer.Ordinal) { ["message"] = message, ["tags"] = new List<object?> { tag } });

    private sealed record Context(Func<string, object?> Variable, IReadOnlyDictionary<string, string> Environment);

    private abstract record Node
    {
        public abstract object? Evaluate(Context context);
    }

    private sealed record Literal(object? Value) : Node
    {
        public override object? Evaluate(Context context) => Value;
    }

    private sealed record Variable(string Name) : Node
    {
        public override object? Evaluate(Context context) => context.Variable(Name);
    }

    private sealed record Member(Node Target, string Name) : Node
    {
        public override object? Evaluate(Context context) => Target.Evaluate(context) switch
        {
            Dictionary<string, object?> map => map.TryGetValue(Name, out var value) ? value : throw Error("KeyError", $"key not found: {Name}"),
            var other => throw Error("TypeError", $"cannot read '{Name}' of {TypeName(other)}"),
        };
    }

    private sealed record Index(Node Target, Node Key) : Node
    {
        public override object? Evaluate(Context context) => (Target.Evaluate(context), Key.Evaluate(context)) switch
        {
            (Dictionary<string, object?> map, string key) => map.TryGetValue(key, out var value) ? value : throw Error("KeyError", $"key not found: {key}"),
            (List<object?> list, long i) => i >= 0 && i < list.Count ? list[(int)i] : throw Error("IndexError", $"list index out of range: {i}"),
            var (t, k) => throw Error("TypeError", $"cannot index {TypeName(t)} with {TypeName(k)}"),
        };
    }

    private sealed record ListLiteral(IReadOnlyList<Node> Items) : Node
    {
        public override object? Evaluate(Context context) => Items.Select(i => i.Evaluate(context)).ToList();
    }

    private sealed record Not(Node Operand) : Node
    {
        public override object? Evaluate(Context context) =>
            Operand.Evaluate(context) is bool b ? !b : throw Error("TypeError", "'not' needs a boolean");
    }

    private sealed record Negate(Node Operand) : Node
    {
        public override object? Evaluate(Context context) => Operand.Evaluate(context) switch
        {
            long l => -l,
            double d => -d,
            var other => throw Error("TypeError", $"cannot negate {TypeName(other)}"),
        };
    }

    private sealed record Binary(string Operator, Node Left, Node Right) : Node
    {
        public override object? Evaluate(Context context)
        {
            // Both sides, always: see the class comment.
            var left = Left.Evaluate(context);
            var right = Right.Evaluate(context);
            return Operator switch
            {
                "and" or "or" when left is bool l && right is bool r => Operator == "and" ? l && r : l || r,
                "and" or "or" => throw Error("TypeError", $"'{Operator}' needs booleans, got {TypeName(left)} and {TypeName(right)}"),
                "==" => ValueEquals(left, right),
                "!=" => !ValueEquals(left, right),
                "in" => right switch
                {
                    List<object?> list => list.Any(i => ValueEquals(i, left)),
                    Dictionary<string, object?> map when left is string key => map.ContainsKey(key),
                    _ => throw Error("TypeError", $"'in' needs a list or a map, got {TypeName(right)}"),
                },
                "<" or "<=" or ">" or ">=" => Compare(Operator, left, right),
                _ => Arithmetic(Operator, left, right),
            };
        }

        private static bool Compare(string op, object? left, object? right)
        {
            int order;
            if (left is string ls && right is string rs)
            {
                order = string.CompareOrdinal(ls, rs);
            }
            else if (left is long or double && right is long or double)
            {
                order = Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture));
            }
            else
            {
                throw Error("TypeError", $"cannot compare {TypeName(left)} with {TypeName(right)}");
            }

            return op switch { "<" => order < 0, "<=" => order <= 0, ">" => order > 0, _ => order >= 0 };
        }

        private static object Arithmetic(string op, object? left, object? right)
        {
            if (op == "+" && left is string ls && right is string rs)
            {
                return ls + rs;
            }

            if (left is long l && right is long r && op != "/")
            {
                return op switch
                {
                    "+" => l + r,
                    "-" => l - r,
                    "*" => l * r,
                    "%" => r == 0 ? throw Error("ZeroDivisionError", "division by zero") : l % r,
                    _ => throw new NotSupportedException($"Operator '{op}'."),
                };
            }

            if (left is long or double && right is long or double)
            {
                var x = Convert.ToDouble(left, CultureInfo.InvariantCulture);
                var y = Convert.ToDouble(right, CultureInfo.InvariantCulture);
                return op switch
                {
                    "+" => x + y,
                    "-" => x - y,
                    "*" => x * y,
                    "/" => y == 0 ? throw Error("ZeroDivisionError", "division by zero") : x / y,
                    _ => throw new NotSupportedException($"Operator '{op}' on doubles."),
                };
            }

            throw Error("TypeError", $"unsupported operand types for {op}: {TypeName(left)} and {TypeName(right)}");
        }
    }

    private sealed record Call(string Function, IReadOnlyList<Node> Arguments) : Node
    {
        public override object? Evaluate(Context context)
        {
            var args = Arguments.Select(a => a.Evaluate(context)).ToList();
            return (Function, args.Count) switch
            {
                ("sys.get_env", 1) when args[0] is string name => context.Environment.TryGetValue(name, out var value) ? value : null,
                ("default", 2) => args[0] ?? args[1],
                ("map.get", 2) => MapGet(args[0], args[1]),
                ("list.concat", 2) when args[0] is List<object?> list => new List<object?>(list) { args[1] },
                ("string", 1) => args[0] switch
                {
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    bool b => b ? "true" : "false",
                    var other => throw Error("TypeError", $"string() does not take {TypeName(other)}"),
                },
                ("len", 1) => args[0] switch
                {
                    string s => (long)s.Length,
                    List<object?> l => (long)l.Count,
                    Dictionary<string, object?> m => (long)m.Count,
                    var other => throw Error("TypeError", $"len() does not take {TypeName(other)}"),
                },
                ("sys.get_env" or "list.concat", _) => throw Error("TypeError", $"bad arguments to {Function}"),
                _ => throw new NotSupportedException($"The function {Function}/{args.Count} is outside the interpreter's subset."),
            };
        }

        private static object? MapGet(object? map, object? keys) => keys switch
        {
            string key => map is Dictionary<string, object?> m && m.TryGetValue(key, out var value) ? value : null,
            List<object?> path when path.All(k => k is string) => path.Aggregate(map, (current, key) => MapGet(current, key)),
            _ => throw Error("TypeError", "map.get takes a key or a list of keys"),
        };
    }

    private static string TypeName(object? value) => value switch
    {
        null => "null",
        string => "string",
        long => "integer",
        double => "double",
        bool => "boolean",
        List<object?> => "list",
        Dictionary<string, object?> => "map",
        _ => value.GetType().Name,
    };

    private sealed class Parser(string text)
    {
        private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">", "(", ")", "[", "]", ",", "."];

        private readonly List<(string Kind, object? Value)> _tokens = Tokenize(text);
        private int _position;

        public Node ParseAll()
        {
            var node = Or();
            return _position == _tokens.Count ? node : throw new NotSupportedException($"Unexpected '{_tokens[_position].Value}' in ${{{text}}}.");
        }

        private Node Or() => LeftAssociative(And, "or");

        private Node And() => LeftAssociative(NotExpression, "and");

        private Node NotExpression() => Accept("word", "not") ? new Not(NotExpression()) : Comparison();

        private Node Comparison()
        {
            var left = Additive();
            while (Peek() is ("symbol", "==" or "!=" or "<" or "<=" or ">" or ">=") or ("word", "in"))
            {
                var op = (string)Next().Value!;
                left = new Binary(op, left, Additive());
            }

            return left;
        }

        private Node Additive() => LeftAssociative(Multiplicative, "+", "-");

        private Node Multiplicative() => LeftAssociative(Unary, "*", "/", "%");

        private Node Unary() => Accept("symbol", "-") ? new Negate(Unary()) : Postfix();

        private Node Postfix()
        {
            var node = Primary();
            while (true)
            {
                if (Accept("symbol", "."))
                {
                    node = new Member(node, Expect("name"));
                }
                else if (Accept("symbol", "["))
                {
                    node = new Index(node, Or());
                    ExpectSymbol("]");
                }
                else if (Peek() is ("symbol", "(") && FunctionName(node) is { } function)
                {
                    Next();
                    var args = new List<Node>();
                    if (!Accept("symbol", ")"))
                    {
                        do
                        {
                            args.Add(Or());
                        }
                        while (Accept("symbol", ","));

                        ExpectSymbol(")");
                    }

                    node = new Call(function, args);
                }
                else
                {
                    return node;
                }
            }
        }

        private Node Primary()
        {
            var (kind, value) = Next();
            switch (kind)
            {
                case "string" or "number":
                    return new Literal(value);
                case "word" when value is "true" or "false":
                    return new Literal(value is "true");
                case "word" when value is "null":
                    return new Literal(null);
                case "word" when value is "not":
                    return new Not(NotExpression());
                case "name":
                    return new Variable((string)value!);
                case "symbol" when value is "(":
                    var inner = Or();
                    ExpectSymbol(")");
                    return inner;
                case "symbol" when value is "[":
                    var items = new List<Node>();
                    if (!Accept("symbol", "]"))
                    {
                        do
                        {
                            items.Add(Or());
                        }
                        while (Accept("symbol", ","));

                        ExpectSymbol("]");
                    }

                    return new ListLiteral(items);
                default:
                    throw new NotSupportedException($"Unexpected '{value}' in ${{{text}}}.");
            }
        }

        private static string? FunctionName(Node node) => node switch
        {
            Variable v => v.Name,
            Member { Target: var t } m when FunctionName(t) is { } prefix => prefix + "." + m.Name,
            _ => null,
        };

        private Node LeftAssociative(Func<Node> operand, params string[] operators)
        {
            var left = operand();
            while (Peek() is (var kind, string op) && kind is "symbol" or "word" && operators.Contains(op))
            {
                Next();
                left = new Binary(op, left, operand());
            }

            return left;
        }

        private (string Kind, object? Value) Peek() => _position < _tokens.Count ? _tokens[_position] : ("end", null);

        private (string Kind, object? Value) Next() =>
            _position < _tokens.Count ? _tokens[_position++] : throw new NotSupportedException($"Unexpected end of ${{{text}}}.");

        private bool Accept(string kind, string value)
        {
            if (Peek() is var (k, v) && k == kind && v is string s && s == value)
            {
                _position++;
                return true;
            }

            return false;
        }

        private string Expect(string kind) =>
            Next() is var (k, v) && k == kind ? (string)v! : throw new NotSupportedException($"Expected a {kind} in ${{{text}}}.");

        private void ExpectSymbol(string symbol)
        {
            if (!Accept("symbol", symbol))
            {
                throw new NotSupportedException($"Expected '{symbol}' in ${{{text}}}.");
            }
        }

        private static List<(string, object?)> Tokenize(string s)
        {
            var tokens = new List<(string, object?)>();
            var i = 0;
            while (i < s.Length)
            {
                var c = s[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '"' or '\'')
                {
                    var value = new StringBuilder();
                    i++;
                    while (i < s.Length && s[i] != c)
                    {
                        if (s[i] == '\\' && i + 1 < s.Length)
                        {
                            i++;
                            value.Append(s[i] switch { 'n' => '\n', 't' => '\t', var e => e });
                        }
                        else
                        {
                            value.Append(s[i]);
                        }

                        i++;
                    }

                    if (i >= s.Length)
                    {
                        throw new NotSupportedException($"Unterminated string in ${{{s}}}.");
                    }

                    i++;
                    tokens.Add(("string", value.ToString()));
                }
                else if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
                    {
                        i++;
                    }

                    var number = s[start..i];
                    tokens.Add(("number", number.Contains('.', StringComparison.Ordinal)
                        ? double.Parse(number, CultureInfo.InvariantCulture)
                        : long.Parse(number, CultureInfo.InvariantCulture)));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_'))
                    {
                        i++;
                    }

                    var word = s[start..i];
                    tokens.Add((word is "and" or "or" or "not" or "in" or "true" or "false" or "null" ? "word" : "name", word));
                }
                else if (Symbols.FirstOrDefault(sym => string.CompareOrdinal(s, i, sym, 0, sym.Length) == 0) is { } symbol)
                {
                    tokens.Add(("symbol", symbol));
                    i += symbol.Length;
                }
                else
                {
                    throw new NotSupportedException($"Unexpected character '{c}' in ${{{s}}}.");
                }
            }

            return tokens;
        }
    }
}
