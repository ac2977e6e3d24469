namespace Portable.Core.Sagas;

/// <summary>What a saga does next.</summary>
public enum SagaDecisionKind
{
    /// <summary>Run a handler (after a delay when it is a retry).</summary>
    Run,

    /// <summary>Nothing more to run: the saga ended with the decision's status.</summary>
    Finish,
}
