using System.Text.Json;
using Portable.TestKit;

namespace Portable.Testing.Tests.Events;

public sealed class FunctionUrlEventsTests
{
    private static readonly string[] Maps = ["$.headers", "$.queryStringParameters", "$.pathParameters", "$.stageVariables"];

    [Fact]
    public void Request_HasTheHttpApiV2SamplesShape_LessTheApiOnlyFields()
    {
        var built = FunctionUrlEvents.Request(ApiGatewayEventsTests.SampleV2Request());

        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("aws-apigw-v2-request.json"), Maps),
            JsonShape.Of(built, Maps),
            // A Function URL has no authorizers, routes with parameters or stages (protocols README §1b).
            optional: ["$.requestContext.authorizer", "$.requestContext.authentication", "$.pathParameters", "$.stageVariables"]);
    }

    [Fact]
    public void Request_SaysFunctionUrl_AnonymousOnALambdaUrlDomain()
    {
        var e = JsonDocument.Parse(FunctionUrlEvents.Request(HttpRequestBuilder.Get("/items").Build(), new LambdaHttpEventOptions { ApiId = "abcdefg" })).RootElement;

        var context = e.GetProperty("requestContext");
        Assert.Equal("anonymous", context.GetProperty("accountId").GetString());
        Assert.Equal("abcdefg.lambda-url.us-east-1.on.aws", context.GetProperty("domainName").GetString());
        Assert.Equal("$default", context.GetProperty("stage").GetString());
        Assert.Equal("$default", e.GetProperty("routeKey").GetString());
        Assert.Equal("abcdefg.lambda-url.us-east-1.on.aws", e.GetProperty("headers").GetProperty("host").GetString());
    }
}
