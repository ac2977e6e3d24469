using System.Text.Json.Nodes;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>
/// Every <c>*-legacy-input.json</c> conformance case, POSTed as plain JSON to the real Cloud Run host serving
/// <c>cloudevent-echo</c>, is converted to the CloudEvent of its <c>*-cloudevent-output.json</c> (compared as the
/// conformance client compares). The stored upstream files come from several generations of the mapping (see
/// conformance-data/SOURCES.md); where a stored output predates its input, <see cref="Current"/> names each field and
/// the value docs/mapping.md gives today, and the rest of the stored output is still asserted.
/// </summary>
public sealed class LegacyConversionTests(EchoHost host) : IClassFixture<EchoHost>
{
    private const string RtdbUsCentral = "//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/my-project-id";

    /// <summary>Fields where the stored output is of an older mapping than its input, with today's value.</summary>
    private static readonly Dictionary<string, JsonObject> Current = new(StringComparer.Ordinal)
    {
        // Output d6e959a is of a newer input (.123Z, with metadata.lastSignedInAt) than the stored 95c89ce one.
        ["firebase-auth"] = new()
        {
            ["time"] = "2020-09-29T11:32:00.000Z",
            ["data"] = JsonNode.Parse("""
                {"email":"test@nowhere.com","metadata":{"createTime":"2020-05-26T10:42:27Z"},
                 "providerData":[{"email":"test@nowhere.com","providerId":"password","uid":"test@nowhere.com"}],
                 "uid":"UUpby3s4spZre6kHsgVSPetzQ8l2"}
                """),
        },

        // Outputs from before the RTDB location rule (type document.v1, no location, or all in the source).
        ["firebase-db2"] = new()
        {
            ["type"] = "google.firebase.database.ref.v1.written",
            ["source"] = "//firebasedatabase.googleapis.com/projects/_/locations/europe-west1/instances/my-project-id",
            ["subject"] = "refs/gcf-test/xyz",
        },
        ["firebase-db4"] = new() { ["type"] = "google.firebase.database.ref.v1.written", ["source"] = RtdbUsCentral },
        ["firebase-db5"] = new() { ["type"] = "google.firebase.database.ref.v1.written", ["source"] = RtdbUsCentral, ["time"] = "2020-09-29T11:32:00.123Z" },
        ["firebase-db7"] = new() { ["time"] = "2020-09-29T11:32:00.123Z" },
        ["firebase-dbdelete1"] = new() { ["type"] = "google.firebase.database.ref.v1.deleted", ["source"] = RtdbUsCentral },
        ["firebase-dbdelete2"] = new() { ["type"] = "google.firebase.database.ref.v1.deleted", ["source"] = RtdbUsCentral, ["subject"] = "refs/gcf-test/xyz" },

        // Output from before Firestore split source and subject.
        ["firestore_complex"] = new()
        {
            ["source"] = "//firestore.googleapis.com/projects/project-id/databases/(default)",
            ["subject"] = "documents/gcf-test/IH75dRdeYJKd4uuQiqch",
        },

        // The stored output names another document than its input's resource, and is of the .000Z generation.
        ["firestore_simple"] = new() { ["subject"] = "documents/gcf-test/2Vm2mI1d0wIaK2Waj5to", ["time"] = "2020-09-29T11:32:00.123Z" },
    };

    /// <summary>
    /// Inputs of the generation before the RTDB <c>domain</c> field: today's mapping fails them ("if it's missing, the
    /// conversion should fail"), so the host answers 400 as FF-dotnet answers a failed conversion.
    /// </summary>
    private static readonly HashSet<string> WithoutDomain = new(StringComparer.Ordinal) { "firebase-db6", "firebase-db8" };

    public static TheoryData<string> Inputs => ConformanceData.Cases("-legacy-input.json");

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task LegacyInput_PlainJsonPost_BecomesTheExpectedCloudEvent(string name)
    {
        var input = ConformanceData.Text(name + "-legacy-input.json");

        var (status, body, echo) = await host.SendAsync(EchoHost.Legacy(input));

        if (WithoutDomain.Contains(name))
        {
            Assert.True(status == 400, $"{name}: {status} {body}");
            Assert.Contains("'domain'", body, StringComparison.Ordinal);
            Assert.Null(echo);
            return;
        }

        Assert.True(status == 204, $"{name}: {status} {body}");
        CloudEventAssert.Matches(Expected(name, input), echo, name);
    }

    [Fact]
    public void Current_NamesOnlyCasesThatExist()
    {
        var names = ConformanceData.Names("-legacy-input.json").ToHashSet(StringComparer.Ordinal);

        Assert.Subset(names, Current.Keys.Concat(WithoutDomain).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RawPubSubPush_ToTopicPath_BecomesMessagePublished()
    {
        const string push = """{"message":{"data":"aGk=","messageId":"m-1","publishTime":"2026-12-01T10:00:00.5Z"},"subscription":"projects/p/subscriptions/s"}""";

        var (status, body, echo) = await host.SendAsync(EchoHost.Legacy(push, "/projects/p/topics/orders"));

        Assert.True(status == 204, body);
        CloudEventAssert.Matches(
            new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = "m-1",
                ["source"] = "//pubsub.googleapis.com/projects/p/topics/orders",
                ["type"] = "google.cloud.pubsub.topic.v1.messagePublished",
                ["time"] = "2026-12-01T10:00:00.5Z",
                ["datacontenttype"] = "application/json",
                ["data"] = JsonNode.Parse(push),
            },
            echo,
            "raw push");
    }

    private static JsonObject Expected(string name, string input)
    {
        if (name == "legacy_storage_change")
        {
            // Upstream has no legacy_storage_change-cloudevent-output.json. mapping.md's storage rule gives the source
            // and subject (the #generation dropped); Portable types a change of an object that no longer exists as deleted.
            return new JsonObject
            {
                ["specversion"] = "1.0",
                ["id"] = "aaaaaa-1111-bbbb-2222-cccccccccccc",
                ["source"] = "//storage.googleapis.com/projects/_/buckets/sample-bucket",
                ["subject"] = "objects/MyFile",
                ["type"] = "google.cloud.storage.object.v1.deleted",
                ["time"] = "2020-09-29T11:32:00.000Z",
                ["datacontenttype"] = "application/json",
                ["data"] = JsonNode.Parse(input)!["data"]!.DeepClone(),
            };
        }

        var expected = ConformanceData.Json(name + "-cloudevent-output.json");
        if (Current.TryGetValue(name, out var current))
        {
            foreach (var (field, value) in current)
            {
                expected[field] = value?.DeepClone();
            }
        }

        return expected;
    }
}
