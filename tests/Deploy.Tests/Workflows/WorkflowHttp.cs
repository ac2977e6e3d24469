namespace Portable.Deploy.Tests.Workflows;

/// <summary>One <c>http.post</c> the workflow made, its arguments evaluated.</summary>
/// <param name="Url">The URL.</param>
/// <param name="Body">The body, as Workflows values (it JSON-encodes them).</param>
/// <param name="Auth">The <c>auth</c> map, or null.</param>
/// <param name="TimeoutSeconds">The <c>timeout</c> argument, or null for http.post's default.</param>
public sealed record WorkflowHttpRequest(string Url, object? Body, Dictionary<string, object?>? Auth, double? TimeoutSeconds);

/// <summary>What came back: a status code and a JSON body, or no answer at all.</summary>
public abstract record WorkflowHttpOutcome
{
    /// <summary>An HTTP answer; a code of 400 or more raises <c>HttpError</c> in the workflow, as on Workflows.</summary>
    public sealed record Response(int Code, object? Body) : WorkflowHttpOutcome;

    /// <summary>No connection (http.post raises <c>ConnectionError</c>).</summary>
    public sealed record ConnectionLost(string Message) : WorkflowHttpOutcome;

    /// <summary>No answer within the call's timeout (http.post raises <c>TimeoutError</c>).</summary>
    public sealed record TimedOut : WorkflowHttpOutcome;
}

/// <summary>Answers the workflow's HTTP calls: a scripted fake, or a real host over HTTP.</summary>
public interface IWorkflowHttp
{
    /// <summary>Answers one <c>http.post</c>.</summary>
    WorkflowHttpOutcome Post(WorkflowHttpRequest request);
}
