using System.Text;
using System.Text.Json.Nodes;

namespace Portable.Deploy.CloudFormation;

/// <summary>CloudFormation's intrinsic functions and the logical ids the generated templates use.</summary>
public static class Cfn
{
    /// <summary>The logical id CloudFormation gives a name: its words capitalised and joined (<c>on-inventory-reserved</c> → <c>OnInventoryReserved</c>).</summary>
    public static string LogicalId(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var id = new StringBuilder();
        foreach (var word in name.Split([.. name.Where(c => !char.IsAsciiLetterOrDigit(c)).Distinct()], StringSplitOptions.RemoveEmptyEntries))
        {
            id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }

        return id.ToString();
    }

    /// <summary><c>{"Ref": name}</c>.</summary>
    public static JsonObject Ref(string name) => new() { ["Ref"] = name };

    /// <summary><c>{"Fn::GetAtt": [resource, attribute]}</c>.</summary>
    public static JsonObject GetAtt(string resource, string attribute) => new() { ["Fn::GetAtt"] = new JsonArray(resource, attribute) };

    /// <summary><c>{"Fn::Sub": template}</c>.</summary>
    public static JsonObject Sub(string template) => new() { ["Fn::Sub"] = template };

    /// <summary>A resource of <paramref name="type"/> with <paramref name="properties"/>.</summary>
    public static JsonObject Resource(string type, JsonObject properties) => new() { ["Type"] = type, ["Properties"] = properties };

    /// <summary>An IAM policy statement allowing <paramref name="actions"/> on <paramref name="resources"/>.</summary>
    public static JsonObject Allow(IEnumerable<string> actions, params JsonNode[] resources) => new()
    {
        ["Effect"] = "Allow",
        ["Action"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
        ["Resource"] = new JsonArray(resources),
    };

    /// <summary>A role document a service (<c>lambda.amazonaws.com</c>, …) may assume.</summary>
    public static JsonObject AssumedBy(string service, JsonObject? condition = null)
    {
        var statement = new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = service },
            ["Action"] = "sts:AssumeRole",
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(statement) };
    }

    /// <summary>The <c>aws:SourceAccount</c> condition: only this account's resources may make the service act (the confused-deputy guard).</summary>
    public static JsonObject SameAccount() => new()
    {
        ["StringEquals"] = new JsonObject { ["aws:SourceAccount"] = Ref("AWS::AccountId") },
    };
}
