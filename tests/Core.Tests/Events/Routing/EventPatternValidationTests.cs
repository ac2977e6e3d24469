using Portable.Core.Events.Routing;

namespace Portable.Core.Tests.Events.Routing;

/// <summary>Patterns EventBridge refuses: each is refused when parsed, with the JSON path of the fault and the reason.</summary>
public sealed class EventPatternValidationTests
{
    private static void AssertInvalid(string pattern, string path, string reason)
    {
        var error = Assert.Throws<EventPatternException>(() => EventPattern.Parse(pattern));
        Assert.Equal(path, error.Path);
        Assert.Equal(reason, error.Reason);
        Assert.Equal($"Invalid event pattern at {path}: {reason}", error.Message);
    }

    [Fact]
    public void Parse_TextThatIsNotJson_SaysSoAtTheRoot()
    {
        var error = Assert.Throws<EventPatternException>(() => EventPattern.Parse("""{"source": ["aws.ec2"]"""));

        Assert.Equal("$", error.Path);
        Assert.StartsWith("the pattern is not valid JSON (", error.Reason, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData("""["aws.ec2"]""", "an array")]
    [InlineData("\"aws.ec2\"", "a string (\"aws.ec2\")")]
    [InlineData("42", "a number (42)")]
    [InlineData("null", "null")]
    public void Parse_TopLevelNotAnObject_IsRefused(string pattern, string found) =>
        AssertInvalid(pattern, "$", $"an event pattern is a JSON object of event fields; this one is {found}.");

    [Fact]
    public void Parse_EmptyPattern_IsRefused() =>
        AssertInvalid("{}", "$", "empty objects are not allowed: name at least one event field to match.");

    [Fact]
    public void Parse_EmptyNestedObject_IsRefusedAtItsPath() =>
        AssertInvalid("""{"detail": {}}""", "$.detail", "empty objects are not allowed: name at least one event field to match.");

    [Fact]
    public void Parse_EmptyArray_IsRefusedAtItsPath() =>
        AssertInvalid("""{"detail": {"state": []}}""", "$.detail.state", "empty arrays are not allowed: list at least one value to match.");

    [Fact]
    public void Parse_FieldWithABareValue_SuggestsTheArray() =>
        AssertInvalid(
            """{"source": "aws.ec2"}""",
            "$.source",
            "a field's value is an array of values to match or an object of nested fields; this one is a string (\"aws.ec2\") (to match it, write [\"aws.ec2\"]).");

    [Fact]
    public void Parse_ArrayInsideTheValues_IsRefused() =>
        AssertInvalid(
            """{"detail": {"state": ["a", ["b"]]}}""",
            "$.detail.state[1]",
            "a value to match is a string, a number, true, false, null or an operator object like {\"prefix\": \"...\"}; this one is an array.");

    [Fact]
    public void Parse_FieldNameNeedingQuotes_IsBracketedInThePath() =>
        AssertInvalid(
            """{"detail": {"my field": []}}""",
            "$.detail['my field']",
            "empty arrays are not allowed: list at least one value to match.");

    [Fact]
    public void Parse_UnknownOperator_NamesEveryKnownOne() =>
        AssertInvalid(
            """{"detail": {"type": [{"contains": "Normal"}]}}""",
            "$.detail.type[0].contains",
            "unknown operator 'contains'; EventBridge's operators are prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr.");

    [Fact]
    public void Parse_OperatorObjectWithTwoOperators_IsRefused() =>
        AssertInvalid(
            """{"source": [{"prefix": "aws.", "suffix": "ec2"}]}""",
            "$.source[0]",
            "an operator object names exactly one operator; this one names 2: prefix, suffix.");

    [Fact]
    public void Parse_EmptyOperatorObject_IsRefused() =>
        AssertInvalid("""{"source": [{}]}""", "$.source[0]", "an operator object names one operator; this one is empty.");

    [Fact]
    public void Parse_PrefixThatIsNotAString_IsRefused() =>
        AssertInvalid(
            """{"source": [{"prefix": 12}]}""",
            "$.source[0].prefix",
            "prefix takes a string or {\"equals-ignore-case\": \"...\"}; this one is a number (12).");

    [Fact]
    public void Parse_PrefixObjectOtherThanIgnoreCase_IsRefused() =>
        AssertInvalid(
            """{"source": [{"prefix": {"wildcard": "a*"}}]}""",
            "$.source[0].prefix.wildcard",
            "prefix takes a string or {\"equals-ignore-case\": \"...\"}; 'wildcard' is not supported inside it.");

    [Fact]
    public void Parse_SuffixIgnoreCaseThatIsNotAString_IsRefused() =>
        AssertInvalid(
            """{"file": [{"suffix": {"equals-ignore-case": true}}]}""",
            "$.file[0].suffix.equals-ignore-case",
            "equals-ignore-case takes a string; this one is true.");

    [Fact]
    public void Parse_EqualsIgnoreCaseThatIsNotAString_IsRefused() =>
        AssertInvalid(
            """{"name": [{"equals-ignore-case": ["alice"]}]}""",
            "$.name[0].equals-ignore-case",
            "equals-ignore-case takes a string; this one is an array.");

    [Theory]
    [InlineData("null", "null")]
    [InlineData("true", "true")]
    public void Parse_AnythingButOfNullOrBoolean_IsRefused(string value, string found) =>
        AssertInvalid(
            $$"""{"state": [{"anything-but": {{value}}}]}""",
            "$.state[0].anything-but",
            $"anything-but takes a string, a number, a list of strings or of numbers, or an object like {{\"prefix\": \"...\"}}; this one is {found}.");

    [Fact]
    public void Parse_AnythingButListMixingTypes_IsRefused() =>
        AssertInvalid(
            """{"x-limit": [{"anything-but": [100, "200"]}]}""",
            "$.x-limit[0].anything-but[1]",
            "anything-but lists either strings or numbers, not both.");

    [Fact]
    public void Parse_AnythingButListWithNull_IsRefused() =>
        AssertInvalid(
            """{"state": [{"anything-but": ["stopped", null]}]}""",
            "$.state[0].anything-but[1]",
            "anything-but lists strings or numbers; this one is null.");

    [Fact]
    public void Parse_EmptyAnythingButList_IsRefused() =>
        AssertInvalid(
            """{"state": [{"anything-but": []}]}""",
            "$.state[0].anything-but",
            "anything-but's list is empty: list at least one value to exclude.");

    [Fact]
    public void Parse_AnythingButNumeric_IsRefused() =>
        AssertInvalid(
            """{"x": [{"anything-but": {"numeric": [">", 1]}}]}""",
            "$.x[0].anything-but.numeric",
            "anything-but takes a value, a list of values, or one of prefix, suffix, equals-ignore-case and wildcard; 'numeric' is not supported inside it.");

    [Fact]
    public void Parse_AnythingButEmptyPrefix_IsRefused() =>
        AssertInvalid(
            """{"state": [{"anything-but": {"prefix": ""}}]}""",
            "$.state[0].anything-but.prefix",
            "anything-but prefix cannot be empty: every string has the empty prefix, so nothing would match.");

    [Fact]
    public void Parse_AnythingButSuffixListWithANumber_IsRefused() =>
        AssertInvalid(
            """{"file": [{"anything-but": {"suffix": [".txt", 5]}}]}""",
            "$.file[0].anything-but.suffix[1]",
            "suffix takes a string; this one is a number (5).");

    [Fact]
    public void Parse_AnythingButIgnoreCaseOfANumber_IsRefused() =>
        AssertInvalid(
            """{"state": [{"anything-but": {"equals-ignore-case": 5}}]}""",
            "$.state[0].anything-but.equals-ignore-case",
            "anything-but equals-ignore-case takes a string or a list of strings; this one is a number (5).");

    [Fact]
    public void Parse_NumericNotAnArray_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": 5}]}""",
            "$.c-count[0].numeric",
            "numeric takes an array of operators and numbers, like [\">\", 0, \"<=\", 5]; this one is a number (5).");

    [Fact]
    public void Parse_NumericEmpty_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": []}]}""",
            "$.c-count[0].numeric",
            "numeric's array is empty: it takes an operator and a number, like [\"<\", 10].");

    [Fact]
    public void Parse_NumericUnknownOperator_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": ["!=", 5]}]}""",
            "$.c-count[0].numeric[0]",
            "numeric operator '!=' is not allowed here; expected \"=\", \"<\", \"<=\", \">\", \">=\".");

    [Fact]
    public void Parse_NumericStartingWithANumber_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": [5, ">"]}]}""",
            "$.c-count[0].numeric[0]",
            "numeric expects an operator here (\"=\", \"<\", \"<=\", \">\", \">=\"); this one is a number (5).");

    [Fact]
    public void Parse_NumericOperatorWithoutNumber_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": [">"]}]}""",
            "$.c-count[0].numeric",
            "numeric operator \">\" needs a number after it.");

    [Fact]
    public void Parse_NumericWithAStringNumber_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": ["<", "10"]}]}""",
            "$.c-count[0].numeric[1]",
            "numeric operator \"<\" needs a number after it; this one is a string (\"10\").");

    [Fact]
    public void Parse_NumericRangeStartingWithTheUpperBound_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": ["<", 5, ">", 0]}]}""",
            "$.c-count[0].numeric[2]",
            "a numeric range starts with its lower bound: write [\">\" or \">=\", low, \"<\" or \"<=\", high], not \"<\" first.");

    [Fact]
    public void Parse_NumericEqualsWithMore_IsRefused() =>
        AssertInvalid(
            """{"x-limit": [{"numeric": ["=", 5, "<", 7]}]}""",
            "$.x-limit[0].numeric[2]",
            "numeric \"=\" stands alone: it takes one number.");

    [Fact]
    public void Parse_NumericSecondOperatorNotAnUpperBound_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": [">", 0, ">=", 5]}]}""",
            "$.c-count[0].numeric[2]",
            "numeric operator '>=' is not allowed here; expected \"<\", \"<=\".");

    [Theory]
    [InlineData("5", "5")]
    [InlineData("6", "5")]
    public void Parse_NumericLowerBoundNotBelowTheUpper_IsRefused(string low, string high) =>
        AssertInvalid(
            $$"""{"c-count": [{"numeric": [">", {{low}}, "<=", {{high}}]}]}""",
            "$.c-count[0].numeric",
            $"numeric's lower bound {low} must be less than its upper bound {high}.");

    [Fact]
    public void Parse_NumericWithTooManyTerms_IsRefused() =>
        AssertInvalid(
            """{"c-count": [{"numeric": [">", 0, "<", 5, "<", 6]}]}""",
            "$.c-count[0].numeric[4]",
            "numeric takes at most two operators, each followed by its number.");

    [Fact]
    public void Parse_ExistsNotABoolean_IsRefused() =>
        AssertInvalid(
            """{"detail": {"state": [{"exists": "yes"}]}}""",
            "$.detail.state[0].exists",
            "exists takes true or false; this one is a string (\"yes\").");

    [Fact]
    public void Parse_CidrWithoutPrefixLength_IsRefused() =>
        AssertInvalid(
            """{"ip": [{"cidr": "10.0.0.0"}]}""",
            "$.ip[0].cidr",
            "cidr '10.0.0.0' is not a CIDR block: it is an address, one '/', and a prefix length, like 10.0.0.0/24 or 2001:db8::/32.");

    [Fact]
    public void Parse_CidrWithABadAddress_IsRefused() =>
        AssertInvalid(
            """{"ip": [{"cidr": "10.0.0.256/24"}]}""",
            "$.ip[0].cidr",
            "cidr '10.0.0.256/24': '10.0.0.256' is not an IPv4 or IPv6 address.");

    [Theory]
    [InlineData("10.0.0.0/33", "32", "IPv4")]
    [InlineData("2001:db8::/129", "128", "IPv6")]
    [InlineData("10.0.0.0/x", "32", "IPv4")]
    public void Parse_CidrWithABadPrefixLength_IsRefused(string block, string bits, string family) =>
        AssertInvalid(
            $$"""{"ip": [{"cidr": "{{block}}"}]}""",
            "$.ip[0].cidr",
            $"cidr '{block}': the prefix length must be a whole number from 0 to {bits} for an {family} address.");

    [Fact]
    public void Parse_CidrThatIsNotAString_IsRefused() =>
        AssertInvalid("""{"ip": [{"cidr": 10}]}""", "$.ip[0].cidr", "cidr takes a string; this one is a number (10).");

    [Fact]
    public void Parse_WildcardWithConsecutiveStars_IsRefused() =>
        AssertInvalid(
            """{"key": [{"wildcard": "dir/**.png"}]}""",
            "$.key[0].wildcard",
            "wildcard 'dir/**.png' has consecutive wildcard characters at position 6; one '*' already matches any run of characters.");

    [Fact]
    public void Parse_WildcardWithAnUnknownEscape_IsRefused() =>
        AssertInvalid(
            """{"key": [{"wildcard": "a\\d*"}]}""",
            "$.key[0].wildcard",
            "wildcard 'a\\d*' has a backslash at position 2 that escapes neither '*' nor '\\' (write \\* for a literal asterisk, \\\\ for a backslash).");

    [Fact]
    public void Parse_AnythingButWildcardWithConsecutiveStars_IsRefusedAtItsElement() =>
        AssertInvalid(
            """{"key": [{"anything-but": {"wildcard": ["*/lib/*", "**"]}}]}""",
            "$.key[0].anything-but.wildcard[1]",
            "wildcard '**' has consecutive wildcard characters at position 2; one '*' already matches any run of characters.");

    [Fact]
    public void Parse_OrThatIsNotAnArray_IsRefused() =>
        AssertInvalid(
            """{"$or": {"a": [1]}}""",
            "$.$or",
            "$or takes an array of at least two objects, one per alternative; this one is an object.");

    [Fact]
    public void Parse_OrWithOneAlternative_IsRefused() =>
        AssertInvalid("""{"$or": [{"a": [1]}]}""", "$.$or", "$or needs at least two alternatives; this one has 1.");

    [Fact]
    public void Parse_OrAlternativeThatIsNotAnObject_IsRefused() =>
        AssertInvalid("""{"detail": {"$or": [{"a": [1]}, ["b"]]}}""", "$.detail.$or[1]", "each $or alternative is an object of event fields; this one is an array.");

    [Fact]
    public void Parse_OperatorNameAsAFieldInsideOr_IsRefused() =>
        AssertInvalid(
            """{"$or": [{"numeric": [123]}, {"prefix": ["abc"]}]}""",
            "$.$or[0].numeric",
            "'numeric' is an operator, not an event field: inside $or each alternative is an object of event fields, and an operator goes in a field's array, like \"field\": [{\"numeric\": ...}].");

    [Fact]
    public void Parse_FaultInsideAnOrAlternative_NamesItsPath() =>
        AssertInvalid("""{"$or": [{"a": [1]}, {"b": {"c": []}}]}""", "$.$or[1].b.c", "empty arrays are not allowed: list at least one value to match.");
}
