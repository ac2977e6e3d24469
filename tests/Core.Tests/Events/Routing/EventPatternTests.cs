using System.Text.Json;
using Portable.Core.Events.Routing;
using Portable.TestKit;
using static Portable.Core.Tests.Events.Routing.PatternAssert;

namespace Portable.Core.Tests.Events.Routing;

/// <summary>
/// The matcher against the examples of EventBridge's user guide (event patterns, arrays, null values, content
/// filtering, comparison operators), each as a match and a non-match, and the edge cases the guide and EventBridge's
/// matcher (aws/event-ruler) state.
/// </summary>
public sealed class EventPatternTests
{
    /// <summary>The example event of the user guide's "Amazon EventBridge event patterns" page.</summary>
    private const string Ec2Event = """
        {
          "version": "0",
          "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
          "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2",
          "account": "111122223333",
          "time": "2017-12-22T18:43:48Z",
          "region": "us-west-1",
          "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
          "detail": { "instance-id": "i-1234567890abcdef0", "state": "terminated" }
        }
        """;

    /// <summary>The pattern the same page gives for it: all EC2 instance-termination events.</summary>
    private const string Ec2TerminationPattern = """
        { "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], "detail": { "state": ["terminated"] } }
        """;

    /// <summary>The event the content-filtering examples are written against (EventBridge's matcher's README).</summary>
    private const string CountsEvent = """
        {
          "version": "0", "id": "ddddd4-aaaa-7777-4444-345dd43cc333", "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2", "account": "012345679012", "time": "2017-10-02T16:24:49Z", "region": "us-east-1",
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
          "detail": { "c-count": 5, "d-count": 3, "x-limit": 301.8, "source-ip": "10.0.0.33", "instance-id": "i-000000aaaaaa00000", "state": "running" }
        }
        """;

    private static string Detail(string detail) => $$"""{"source": "app", "detail": {{detail}}}""";

    // --- Field and value matching ("Amazon EventBridge event patterns") ---

    [Fact]
    public void Matches_DocumentedTerminationPattern_MatchesTheDocumentedEc2Event() => Match(Ec2TerminationPattern, Ec2Event);

    [Fact]
    public void Matches_DocumentedTerminationPattern_RefusesARunningInstance() =>
        NoMatch(Ec2TerminationPattern, Ec2Event.Replace("\"terminated\"", "\"running\"", StringComparison.Ordinal));

    [Fact]
    public void Matches_VendorSampleEvent_MatchesTheDocumentedPattern()
    {
        var sample = File.ReadAllText(Path.Combine(RepoPaths.Samples, "aws-eventbridge-event.json"));

        Match(Ec2TerminationPattern, sample);
    }

    [Theory]
    [InlineData("aws.ec2", true)]
    [InlineData("aws.fargate", true)]
    [InlineData("aws.s3", false)]
    public void Matches_SeveralValuesInTheArray_MatchesAnyOfThem(string source, bool expected) =>
        Assert.Equal(expected, Matches("""{"source": ["aws.ec2", "aws.fargate"]}""", $$"""{"source": "{{source}}"}"""));

    [Fact]
    public void Matches_FieldTheEventLacks_DoesNotMatch() =>
        NoMatch("""{"detail": {"state": ["terminated"]}}""", """{"detail": {"instance-id": "i-1"}}""");

    [Fact]
    public void Matches_FieldsThePatternDoesNotName_AreIgnored() =>
        Match("""{"source": ["aws.ec2"]}""", Ec2Event);

    [Fact]
    public void Matches_StringsDifferingInCase_DoNotMatch() =>
        NoMatch("""{"detail": {"state": ["Terminated"]}}""", Ec2Event);

    [Fact]
    public void Matches_SameFieldNameAtAnotherDepth_DoesNotMatch() =>
        NoMatch("""{"state": ["terminated"]}""", Ec2Event);

    [Fact]
    public void Matches_DocumentedMacieAlertPattern_MatchesNestedNumbersAndRefusesAnotherRisk()
    {
        const string pattern = """
            { "source": ["aws.macie"], "detail-type": ["Macie Alert"], "detail": { "risk-score": [80], "trigger": { "risk": [8] } } }
            """;
        const string alert = """
            { "version": "0", "detail-type": "Macie Alert", "source": "aws.macie", "region": "us-east-1",
              "detail": { "notification-type": "ALERT_CREATED", "tags": ["Custom_Alert", "Insider"], "risk-score": 80,
                          "trigger": { "alert-type": "basic", "risk": 8 } } }
            """;

        Match(pattern, alert);
        NoMatch(pattern, alert.Replace("\"risk\": 8", "\"risk\": 7", StringComparison.Ordinal));
    }

    // --- Null values and empty strings ("Matching null values and empty strings") ---

    private const string AutoScalingEvent = """
        { "version": "0", "id": "3e3c153a-8339-4e30-8c35-687ebef853fe", "detail-type": "EC2 Instance Launch Successful",
          "source": "aws.autoscaling", "account": "123456789012", "time": "2015-11-11T21:31:47Z", "region": "us-east-1",
          "resources": [], "detail": { "eventVersion": "", "responseElements": null } }
        """;

    [Fact]
    public void Matches_DocumentedEmptyStringPattern_MatchesTheEmptyString() =>
        Match("""{"detail": {"eventVersion": [""]}}""", AutoScalingEvent);

    [Fact]
    public void Matches_DocumentedNullPattern_MatchesTheNullValue() =>
        Match("""{"source": ["aws.autoscaling"], "detail-type": ["EC2 Instance Launch Successful"], "detail": {"responseElements": [null]}}""", AutoScalingEvent);

    [Fact]
    public void Matches_NullAndEmptyString_AreNotInterchangeable()
    {
        NoMatch("""{"detail": {"eventVersion": [null]}}""", AutoScalingEvent);
        NoMatch("""{"detail": {"responseElements": [""]}}""", AutoScalingEvent);
    }

    [Fact]
    public void Matches_NullPattern_DoesNotMatchAMissingField() =>
        NoMatch("""{"detail": {"userId": [null]}}""", AutoScalingEvent);

    // --- Arrays ("Arrays in Amazon EventBridge event patterns") ---

    private const string ResourcesPattern = """
        { "resources": [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f" ] }
        """;

    [Fact]
    public void Matches_DocumentedResourcesArrays_MatchWhenTheyIntersect() =>
        Match(ResourcesPattern, """
            { "resources": [
                "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f" ] }
            """);

    [Fact]
    public void Matches_ResourcesArrays_DoNotMatchWhenDisjoint() =>
        NoMatch(ResourcesPattern, """{"resources": ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"]}""");

    private const string Employees = """
        { "employees": [ { "firstName": "John", "lastName": "Doe" }, { "firstName": "Anna", "lastName": "Smith" }, { "firstName": "Peter", "lastName": "Jones" } ] }
        """;

    [Fact]
    public void Matches_ObjectsInAnEventArray_MatchWhenOneElementMatches() =>
        Match("""{"employees": {"firstName": ["Anna"]}}""", Employees);

    [Fact]
    public void Matches_FieldsFromDifferentArrayElements_DoNotCombine()
    {
        // EventBridge's array-consistent matching: Anna and Jones are two different employees.
        NoMatch("""{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}""", Employees);
        Match("""{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}""", Employees);
    }

    [Fact]
    public void Matches_ArraysOfArrays_AreSearchedAtEveryLevel() =>
        Match(
            """{"employees": {"firstName": ["Peter"]}}""",
            """{"employees": [[{"firstName": "John"}, {"firstName": "Anna"}], [{"firstName": "Peter"}]]}""");

    [Fact]
    public void Matches_ScalarArrayInTheEvent_MatchesWhenAnyElementMatches()
    {
        Match("""{"detail": {"tags": ["Insider"]}}""", """{"detail": {"tags": ["Custom_Alert", "Insider"]}}""");
        NoMatch("""{"detail": {"tags": ["Outsider"]}}""", """{"detail": {"tags": ["Custom_Alert", "Insider"]}}""");
    }

    // --- Numbers and other JSON types ---

    [Fact]
    public void Matches_NumberLiteral_ComparesItsJsonText_AsTheUserGuideSays()
    {
        Match("""{"detail": {"limit": [300]}}""", Detail("""{"limit": 300}"""));
        NoMatch("""{"detail": {"limit": [300]}}""", Detail("""{"limit": 300.0}"""));
        NoMatch("""{"detail": {"limit": [300]}}""", Detail("""{"limit": 3.0e2}"""));
    }

    [Theory]
    [InlineData("300")]
    [InlineData("300.0")]
    [InlineData("3.0e2")]
    [InlineData("3E+2")]
    public void Matches_NumericOperator_ComparesByValue(string value) =>
        Match("""{"detail": {"limit": [{"numeric": ["=", 300]}]}}""", Detail($$"""{"limit": {{value}}}"""));

    [Fact]
    public void Matches_NumberAndStringOfTheSameDigits_DoNotMatch()
    {
        NoMatch("""{"detail": {"limit": [300]}}""", Detail("""{"limit": "300"}"""));
        NoMatch("""{"detail": {"limit": ["300"]}}""", Detail("""{"limit": 300}"""));
    }

    [Fact]
    public void Matches_BooleanLiteral_MatchesTheBooleanNotItsText()
    {
        Match("""{"detail": {"enabled": [true]}}""", Detail("""{"enabled": true}"""));
        NoMatch("""{"detail": {"enabled": [true]}}""", Detail("""{"enabled": "true"}"""));
        NoMatch("""{"detail": {"enabled": [true]}}""", Detail("""{"enabled": false}"""));
    }

    [Fact]
    public void Matches_HugeNumberLiterals_CompareByTheirText() =>
        Match("""{"detail": {"n": [1e400]}}""", Detail("""{"n": 1e400}"""));

    // --- Prefix and suffix ---

    [Theory]
    [InlineData("2017-10-02T18:43:48Z", true)]
    [InlineData("2017-10-03T18:43:48Z", false)]
    public void Matches_DocumentedTimePrefix_MatchesTimesOnThatDay(string time, bool expected) =>
        Assert.Equal(expected, Matches("""{"time": [{"prefix": "2017-10-02"}]}""", $$"""{"time": "{{time}}"}"""));

    [Theory]
    [InlineData("eu-west-1", true)]
    [InlineData("us-east-1", false)]
    [InlineData("EU-WEST-1", false)]
    public void Matches_DocumentedEuropeanRegionsPrefix_IsCaseSensitive(string region, bool expected) =>
        Assert.Equal(expected, Matches("""{"source": ["aws.autoscaling"], "region": [{"prefix": "eu-"}]}""", $$"""{"source": "aws.autoscaling", "region": "{{region}}"}"""));

    [Theory]
    [InlineData("EventBridge", true)]
    [InlineData("EVENTBRIDGE", true)]
    [InlineData("eventbridge", true)]
    [InlineData("Lambda", false)]
    public void Matches_DocumentedPrefixIgnoringCase_MatchesAnyCasing(string service, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}""", Detail($$"""{"service": "{{service}}"}""")));

    [Fact]
    public void Matches_Prefix_OnlyMatchesStrings() =>
        NoMatch("""{"detail": {"code": [{"prefix": "12"}]}}""", Detail("""{"code": 123}"""));

    [Theory]
    [InlineData("photo.png", true)]
    [InlineData("photo.PNG", false)]
    [InlineData("photo.jpg", false)]
    public void Matches_DocumentedPngSuffix_IsCaseSensitive(string file, bool expected) =>
        Assert.Equal(expected, Matches("""{"FileName": [{"suffix": ".png"}]}""", $$"""{"FileName": "{{file}}"}"""));

    [Theory]
    [InlineData("photo.PNG", true)]
    [InlineData("photo.Png", true)]
    [InlineData("photo.jpg", false)]
    public void Matches_DocumentedSuffixIgnoringCase_MatchesAnyCasing(string file, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}""", Detail($$"""{"FileName": "{{file}}"}""")));

    // --- Equals ignoring case ---

    [Theory]
    [InlineData("Alice", true)]
    [InlineData("ALICE", true)]
    [InlineData("Alicia", false)]
    public void Matches_DocumentedEqualsIgnoreCase_MatchesTheWholeValueInAnyCasing(string name, bool expected) =>
        Assert.Equal(expected, Matches("""{"Name": [{"equals-ignore-case": "alice"}]}""", $$"""{"Name": "{{name}}"}"""));

    // --- Anything-but ---

    [Theory]
    [InlineData("\"running\"", true)]
    [InlineData("\"initializing\"", false)]
    [InlineData("\"INITIALIZING\"", true)]
    public void Matches_DocumentedAnythingButString_ExcludesExactlyThatValue(string state, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"state": [{"anything-but": "initializing"}]}}""", Detail($$"""{"state": {{state}}}""")));

    [Theory]
    [InlineData("124", true)]
    [InlineData("123", false)]
    [InlineData("123.0", true)] // another JSON text than the excluded 123: exact values compare as written
    public void Matches_DocumentedAnythingButNumber_ExcludesThatNumber(string limit, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"x-limit": [{"anything-but": 123}]}}""", Detail($$"""{"x-limit": {{limit}}}""")));

    [Theory]
    [InlineData("running", true)]
    [InlineData("stopped", false)]
    [InlineData("overloaded", false)]
    public void Matches_DocumentedAnythingButStringList_ExcludesEveryListedValue(string state, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}""", Detail($$"""{"state": "{{state}}"}""")));

    [Theory]
    [InlineData("301.8", true)]
    [InlineData("200", false)]
    [InlineData("2e2", true)] // not the text 200
    public void Matches_DocumentedAnythingButNumberList_ExcludesEveryListedNumber(string limit, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}}""", Detail($$"""{"x-limit": {{limit}}}""")));

    [Theory]
    [InlineData("running", true)]
    [InlineData("initializing", false)]
    [InlineData("init", false)]
    public void Matches_DocumentedAnythingButPrefix_ExcludesValuesWithThePrefix(string state, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}""", Detail($$"""{"state": "{{state}}"}""")));

    [Theory]
    [InlineData("com.mycompany.orders", true)]
    [InlineData("aws.s3", false)]
    public void Matches_DocumentedAnythingButAwsPrefix_KeepsOnlyYourOwnEvents(string source, bool expected) =>
        Assert.Equal(expected, Matches("""{"source": [{"anything-but": {"prefix": "aws."}}]}""", $$"""{"source": "{{source}}"}"""));

    [Theory]
    [InlineData("notes.md", true)]
    [InlineData("notes.txt", false)]
    public void Matches_DocumentedAnythingButSuffix_ExcludesValuesWithTheSuffix(string file, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"FileName": [{"anything-but": {"suffix": ".txt"}}]}}""", Detail($$"""{"FileName": "{{file}}"}""")));

    [Theory]
    [InlineData("running", true)]
    [InlineData("STOPPED", false)]
    [InlineData("overloaded", false)]
    public void Matches_DocumentedAnythingButIgnoringCase_ExcludesEveryCasing(string state, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"state": [{"anything-but": {"equals-ignore-case": ["Stopped", "OverLoaded"]}}]}}""", Detail($$"""{"state": "{{state}}"}""")));

    [Theory]
    [InlineData("/usr/bin/tool", true)]
    [InlineData("/usr/lib/tool.so", false)]
    public void Matches_DocumentedAnythingButWildcard_ExcludesMatchingPaths(string path, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}}""", Detail($$"""{"FilePath": "{{path}}"}""")));

    [Fact]
    public void Matches_AnythingButWildcardList_ExcludesEachPattern()
    {
        const string pattern = """{"detail": {"FilePath": [{"anything-but": {"wildcard": ["*/lib/*", "*/bin/*"]}}]}}""";
        Match(pattern, Detail("""{"FilePath": "/home/notes"}"""));
        NoMatch(pattern, Detail("""{"FilePath": "/usr/bin/tool"}"""));
    }

    [Fact]
    public void Matches_DocumentedAnythingButCloudTrail_DropsApiCallEvents()
    {
        const string pattern = """{"detail-type": [{"anything-but": "AWS API Call via CloudTrail"}]}""";
        Match(pattern, Ec2Event);
        NoMatch(pattern, """{"detail-type": "AWS API Call via CloudTrail"}""");
    }

    [Fact]
    public void Matches_AnythingBut_NeedsTheFieldPresent()
    {
        // As EventBridge: anything-but excludes values; a missing field has none, so it does not match.
        NoMatch("""{"detail": {"state": [{"anything-but": "initializing"}]}}""", Detail("""{"other": 1}"""));
        NoMatch("""{"detail": {"state": [{"anything-but": {"prefix": "init"}}]}}""", Detail("""{"other": 1}"""));
    }

    [Fact]
    public void Matches_AnythingBut_MatchesNullAndOtherTypes()
    {
        Match("""{"detail": {"command": [{"anything-but": ["no-message"]}]}}""", Detail("""{"command": null}"""));
        Match("""{"detail": {"state": [{"anything-but": {"suffix": ".txt"}}]}}""", Detail("""{"state": 5}"""));
    }

    [Fact]
    public void Matches_AnythingButAgainstAnArray_MatchesWhenOneElementIsNotExcluded()
    {
        Match("""{"detail": {"state": [{"anything-but": "initializing"}]}}""", Detail("""{"state": ["initializing", "running"]}"""));
        NoMatch("""{"detail": {"state": [{"anything-but": "initializing"}]}}""", Detail("""{"state": ["initializing"]}"""));
    }

    // --- Numeric ---

    private const string NumericPattern = """
        { "detail": { "c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"numeric": ["=", 3.018e2]}] } }
        """;

    [Fact]
    public void Matches_DocumentedNumericPattern_MatchesWhenEveryFieldIsInRange() => Match(NumericPattern, CountsEvent);

    [Fact]
    public void Matches_DocumentedNumericPattern_RefusesWhenOneFieldIsOutOfRange() =>
        NoMatch(NumericPattern, CountsEvent.Replace("\"d-count\": 3", "\"d-count\": 10", StringComparison.Ordinal));

    [Theory]
    [InlineData("0", false)]
    [InlineData("0.000001", true)]
    [InlineData("5", true)]
    [InlineData("5.0000001", false)]
    [InlineData("-1", false)]
    public void Matches_OpenLowerClosedUpperRange_HonoursEachBound(string count, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}}""", Detail($$"""{"c-count": {{count}}}""")));

    [Theory]
    [InlineData("10", true)]
    [InlineData("19.99", true)]
    [InlineData("20", false)]
    [InlineData("9.5", false)]
    public void Matches_ClosedLowerOpenUpperRange_HonoursEachBound(string price, bool expected) =>
        Assert.Equal(expected, Matches("""{"Price": [{"numeric": [">=", 10, "<", 20]}]}""", $$"""{"Price": {{price}}}"""));

    [Theory]
    [InlineData("100", true)]
    [InlineData("1e2", true)]
    [InlineData("100.5", false)]
    public void Matches_DocumentedNumericEquals_MatchesTheValueInAnyNotation(string price, bool expected) =>
        Assert.Equal(expected, Matches("""{"Price": [{"numeric": ["=", 100]}]}""", $$"""{"Price": {{price}}}"""));

    [Theory]
    [InlineData("20", true)]
    [InlineData("10", false)]
    public void Matches_DocumentedPriceRange_MoreThanTenUpToTwenty(string price, bool expected) =>
        Assert.Equal(expected, Matches("""{"Price": [{"numeric": [">", 10, "<=", 20]}]}""", $$"""{"Price": {{price}}}"""));

    [Fact]
    public void Matches_Numeric_OnlyMatchesJsonNumbers() =>
        NoMatch("""{"detail": {"c-count": [{"numeric": [">", 0]}]}}""", Detail("""{"c-count": "5"}"""));

    [Fact]
    public void Matches_NegativeBounds_CompareBySign() =>
        Match("""{"detail": {"delta": [{"numeric": ["<", 0]}]}}""", Detail("""{"delta": -1.5}"""));

    // --- IP addresses ---

    [Theory]
    [InlineData("10.0.0.0", true)]
    [InlineData("10.0.0.255", true)]
    [InlineData("10.0.1.1", false)]
    [InlineData("10.0.0", false)]
    [InlineData("not-an-ip", false)]
    public void Matches_DocumentedIpv4Cidr_MatchesAddressesInTheBlock(string address, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}}""", Detail($$"""{"sourceIPAddress": "{{address}}"}""")));

    [Theory]
    [InlineData("2001:db8:85a3::8a2e:370:7334", true)]
    [InlineData("2001:0db8::1", true)]
    [InlineData("2001:db9::1", false)]
    [InlineData("10.0.0.1", false)]
    public void Matches_Ipv6Cidr_MatchesAddressesInTheBlock(string address, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"sourceIPAddress": [{"cidr": "2001:db8::/32"}]}}""", Detail($$"""{"sourceIPAddress": "{{address}}"}""")));

    [Fact]
    public void Matches_CidrWithAPartialByte_ComparesOnlyThePrefixBits()
    {
        Match("""{"ip": [{"cidr": "192.168.0.0/23"}]}""", """{"ip": "192.168.1.200"}""");
        NoMatch("""{"ip": [{"cidr": "192.168.0.0/23"}]}""", """{"ip": "192.168.2.1"}""");
    }

    // --- Exists ---

    private const string PendingInstance = """
        { "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2", "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
          "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"], "detail": { "instance-id": "i-abcd1111", "state": "pending" } }
        """;

    [Fact]
    public void Matches_DocumentedExistsTrue_MatchesAnEventWithTheField() =>
        Match("""{"detail": {"state": [{"exists": true}]}}""", PendingInstance);

    [Fact]
    public void Matches_DocumentedExistsTrue_RefusesAnEventWithoutTheField() =>
        NoMatch("""{"detail": {"state": [{"exists": true}]}}""", """{"detail-type": "EC2 Instance State-change Notification", "detail": {"c-count": {"c1": 100}}}""");

    [Fact]
    public void Matches_DocumentedExistsFalse_MatchesAnEventWithoutTheField() =>
        Match("""{"detail": {"c-count": [{"exists": false}]}}""", """{"detail": {"state": ["initializing", "running"]}}""");

    [Fact]
    public void Matches_DocumentedExistsFalse_MatchesWhenTheFieldIsNotALeaf() =>
        Match("""{"detail": {"c-count": [{"exists": false}]}}""", """{"detail": {"state": ["initializing", "running"], "c-count": {"c1": 100}}}""");

    [Fact]
    public void Matches_ExistsFalse_RefusesAnEventWithTheField() =>
        NoMatch("""{"detail": {"c-count": [{"exists": false}]}}""", CountsEvent);

    [Fact]
    public void Matches_ExistsTrue_CountsANullValueAsPresent() =>
        Match("""{"detail": {"responseElements": [{"exists": true}]}}""", AutoScalingEvent);

    [Fact]
    public void Matches_ExistsFalse_MatchesWhenTheParentObjectIsMissing() =>
        Match("""{"detail": {"error": {"code": [{"exists": false}]}}}""", Detail("""{"state": "ok"}"""));

    [Fact]
    public void Matches_ExistsAlongsideAValue_EitherMatches()
    {
        const string pattern = """{"detail": {"priority": [{"exists": false}, "high"]}}""";
        Match(pattern, Detail("""{"state": "ok"}"""));
        Match(pattern, Detail("""{"priority": "high"}"""));
        NoMatch(pattern, Detail("""{"priority": "low"}"""));
    }

    // --- Wildcard ---

    [Theory]
    [InlineData("dir/photo.png", true)]
    [InlineData("dir/2024/photo.png", true)]
    [InlineData("dir/.png", true)]
    [InlineData("dir/photo.jpg", false)]
    [InlineData("other/photo.png", false)]
    public void Matches_DocumentedWildcardInFolder_MatchesPngFilesUnderDir(string key, bool expected) =>
        Assert.Equal(expected, Matches("""{"detail": {"key": [{"wildcard": "dir/*.png"}]}}""", Detail($$"""{"key": "{{key}}"}""")));

    [Theory]
    [InlineData("arn:aws:events:us-east-1:123456789012:event-bus/orders", true)]
    [InlineData("arn:aws:events:eu-west-1:123456789012:event-bus/orders", false)]
    public void Matches_DocumentedWildcardArn_MatchesAnyAccountAndBus(string arn, bool expected) =>
        Assert.Equal(expected, Matches("""{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}""", $$"""{"EventBusArn": "{{arn}}"}"""));

    [Theory]
    [InlineData("SimpleService", true)]
    [InlineData("SimpleQueueService", true)]
    [InlineData("SimpleServiceX", false)]
    [InlineData("simpleService", false)]
    public void Matches_Wildcard_StarMatchesZeroOrMoreCharactersCaseSensitively(string source, bool expected) =>
        Assert.Equal(expected, Matches("""{"source": [{"wildcard": "Simple*Service"}]}""", $$"""{"source": "{{source}}"}"""));

    [Fact]
    public void Matches_WildcardWithEscapes_TreatsEscapedStarAndBackslashLiterally()
    {
        Match("""{"k": [{"wildcard": "a\\*b*"}]}""", """{"k": "a*bc"}""");
        NoMatch("""{"k": [{"wildcard": "a\\*b*"}]}""", """{"k": "axbc"}""");
        Match("""{"k": [{"wildcard": "c:\\\\*"}]}""", """{"k": "c:\\temp"}""");
    }

    [Fact]
    public void Matches_WildcardWhosePartsOverlap_StillNeedsRoomForEach() =>
        NoMatch("""{"k": [{"wildcard": "ab*ba"}]}""", """{"k": "aba"}""");

    // --- $or ---

    [Theory]
    [InlineData("New York", "Tuesday", true)]
    [InlineData("Boston", "Monday", true)]
    [InlineData("Boston", "Tuesday", false)]
    public void Matches_DocumentedOrAcrossFields_MatchesEitherField(string location, string day, bool expected) =>
        Assert.Equal(expected, Matches("""{"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}""", $$"""{"Location": "{{location}}", "Day": "{{day}}"}"""));

    [Fact]
    public void Matches_OrBesideAField_RequiresTheFieldAndOneAlternative()
    {
        const string pattern = """
            { "source": ["aws.cloudwatch"], "$or": [ {"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]} ] }
            """;
        Match(pattern, """{"source": "aws.cloudwatch", "namespace": "AWS/EC2"}""");
        NoMatch(pattern, """{"source": "aws.ec2", "namespace": "AWS/EC2"}""");
        NoMatch(pattern, """{"source": "aws.cloudwatch", "namespace": "AWS/S3"}""");
    }

    [Fact]
    public void Matches_OrInsideDetail_CombinesNumericAlternatives()
    {
        const string pattern = """
            { "detail": { "$or": [ {"c-count": [{"numeric": [">", 0, "<=", 5]}]}, {"d-count": [{"numeric": ["<", 10]}]}, {"x-limit": [{"numeric": ["=", 3.018e2]}]} ] } }
            """;
        Match(pattern, Detail("""{"c-count": 50, "d-count": 50, "x-limit": 301.8}"""));
        NoMatch(pattern, Detail("""{"c-count": 50, "d-count": 50, "x-limit": 300}"""));
    }

    [Fact]
    public void Matches_NestedOrAndAnd_EvaluatesEachLevel()
    {
        const string pattern = """
            { "source": ["aws.cloudwatch"],
              "$or": [ {"metricName": ["CPUUtilization"]},
                       {"metricType": ["MetricType"], "namespace": ["AWS/EC2"], "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]},
                       {"scope": ["Service"]} ] }
            """;
        Match(pattern, """{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1000}""");
        NoMatch(pattern, """{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1}""");
        Match(pattern, """{"source": "aws.cloudwatch", "scope": "Service"}""");
    }

    [Fact]
    public void Matches_ParallelOrGroups_MustEachBeSatisfied()
    {
        const string pattern = """
            { "$or": [ {"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]} ],
              "detail": { "$or": [ {"source": ["aws.cloudwatch"]}, {"detail-type": ["CloudWatch Alarm State Change"]} ] } }
            """;
        Match(pattern, """{"namespace": "AWS/EC2", "detail": {"detail-type": "CloudWatch Alarm State Change"}}""");
        NoMatch(pattern, """{"namespace": "AWS/EC2", "detail": {"source": "aws.ec2"}}""");
    }

    [Fact]
    public void Matches_OrInsideAnArrayElement_TakesAllFieldsFromThatElement()
    {
        const string pattern = """{"items": {"sku": ["A"], "$or": [{"qty": [1]}, {"gift": [true]}]}}""";
        Match(pattern, """{"items": [{"sku": "B", "qty": 1}, {"sku": "A", "gift": true}]}""");
        NoMatch(pattern, """{"items": [{"sku": "B", "qty": 1}, {"sku": "A", "qty": 2}]}""");
    }

    // --- Complex patterns, repeated keys, and the event's shape ---

    [Fact]
    public void Matches_DocumentedComplexExample_CombinesEveryFilter()
    {
        const string pattern = """
            { "time": [{"prefix": "2017-10-02"}],
              "detail": { "state": [{"anything-but": "initializing"}], "c-count": [{"numeric": [">", 0, "<=", 5]}],
                          "d-count": [{"numeric": ["<", 10]}], "x-limit": [{"anything-but": [100, 200, 300]}], "source-ip": [{"cidr": "10.0.0.0/8"}] } }
            """;
        Match(pattern, CountsEvent);
        NoMatch(pattern, CountsEvent.Replace("\"x-limit\": 301.8", "\"x-limit\": 300", StringComparison.Ordinal));
        NoMatch(pattern, CountsEvent.Replace("\"state\": \"running\"", "\"state\": \"initializing\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Matches_DocumentedRepeatedKey_UsesTheLastReference()
    {
        const string pattern = """{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}""";
        NoMatch(pattern, Detail("""{"location": "us-east"}"""));
        Match(pattern, Detail("""{"location": "eu-west"}"""));
    }

    [Fact]
    public void Matches_RepeatedNestedObject_MergesItsFields()
    {
        const string pattern = """{"detail": {"a": [1]}, "detail": {"b": [2]}}""";
        Match(pattern, Detail("""{"a": 1, "b": 2}"""));
        NoMatch(pattern, Detail("""{"a": 1, "b": 3}"""));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"aws.ec2\"")]
    [InlineData("null")]
    public void Matches_EventThatIsNotAnObject_NeverMatches(string @event) =>
        NoMatch("""{"source": [{"exists": false}]}""", @event);

    [Fact]
    public void Matches_MalformedUtf8Event_ThrowsAJsonError()
    {
        var pattern = EventPattern.Parse("""{"source": ["aws.ec2"]}""");

        Assert.ThrowsAny<JsonException>(() => pattern.Matches("{\"source\": "u8));
        Assert.ThrowsAny<JsonException>(() => pattern.Matches("{} {}"u8));
    }

    [Fact]
    public void Parse_FromAnElement_KeepsThePatternJson()
    {
        using var document = JsonDocument.Parse(Ec2TerminationPattern);

        var pattern = EventPattern.Parse(document.RootElement);

        Assert.Equal(document.RootElement.GetRawText(), pattern.Json);
        Assert.Equal(pattern.Json, pattern.ToString());
        Assert.Equal(Ec2TerminationPattern, EventPattern.Parse(Ec2TerminationPattern).Json);
    }
}
