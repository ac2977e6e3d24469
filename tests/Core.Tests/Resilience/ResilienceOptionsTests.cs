using Portable.Core.Resilience;

namespace Portable.Core.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    [Fact]
    public void Defaults_AreValidAndMatchTheDocumentedValues()
    {
        var options = new ResilienceOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(3, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxDelay);
        Assert.True(options.UseJitter);
        Assert.Equal(0.1, options.FailureRatio);
        Assert.Equal(100, options.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), options.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BreakDuration);
    }

    public static TheoryData<string, Action<ResilienceOptions>> BadFields => new()
    {
        { nameof(ResilienceOptions.Timeout), o => o.Timeout = TimeSpan.Zero },
        { nameof(ResilienceOptions.Timeout), o => o.Timeout = TimeSpan.FromSeconds(-1) },
        { nameof(ResilienceOptions.Timeout), o => o.Timeout = TimeSpan.FromDays(2) },
        { nameof(ResilienceOptions.AttemptTimeout), o => o.AttemptTimeout = TimeSpan.Zero },
        { nameof(ResilienceOptions.AttemptTimeout), o => o.AttemptTimeout = TimeSpan.FromMinutes(1) },
        { nameof(ResilienceOptions.MaxRetryAttempts), o => o.MaxRetryAttempts = -1 },
        { nameof(ResilienceOptions.BaseDelay), o => o.BaseDelay = TimeSpan.FromMilliseconds(-1) },
        { nameof(ResilienceOptions.MaxDelay), o => o.MaxDelay = TimeSpan.FromSeconds(-5) },
        { nameof(ResilienceOptions.MaxDelay), o => o.MaxDelay = TimeSpan.FromSeconds(1) },
        { nameof(ResilienceOptions.FailureRatio), o => o.FailureRatio = 0 },
        { nameof(ResilienceOptions.FailureRatio), o => o.FailureRatio = -0.5 },
        { nameof(ResilienceOptions.FailureRatio), o => o.FailureRatio = 1.01 },
        { nameof(ResilienceOptions.FailureRatio), o => o.FailureRatio = double.NaN },
        { nameof(ResilienceOptions.MinimumThroughput), o => o.MinimumThroughput = 1 },
        { nameof(ResilienceOptions.SamplingDuration), o => o.SamplingDuration = TimeSpan.FromMilliseconds(100) },
        { nameof(ResilienceOptions.BreakDuration), o => o.BreakDuration = TimeSpan.Zero },
        { nameof(ResilienceOptions.BreakDuration), o => o.BreakDuration = TimeSpan.FromDays(3) },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Validate_OneBadField_ReportsExactlyThatField(string field, Action<ResilienceOptions> spoil)
    {
        var options = new ResilienceOptions();
        spoil(options);

        var error = Assert.Single(options.Validate());
        Assert.StartsWith(field + " ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MaxDelayBelowBaseDelay_SaysSoWithBothValues()
    {
        var options = new ResilienceOptions { BaseDelay = TimeSpan.FromSeconds(4), MaxDelay = TimeSpan.FromSeconds(1) };

        var error = Assert.Single(options.Validate());
        Assert.Equal("MaxDelay (00:00:01) must not be less than BaseDelay (00:00:04).", error);
    }

    [Fact]
    public void Validate_SeveralBadFields_ReportsEveryOne()
    {
        var options = new ResilienceOptions
        {
            Timeout = TimeSpan.Zero,
            MaxRetryAttempts = -2,
            FailureRatio = 2,
            BreakDuration = TimeSpan.FromSeconds(-1),
        };

        var errors = options.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Timeout ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("MaxRetryAttempts must be 0 or more (was -2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FailureRatio must be more than 0 and at most 1 (was 2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("BreakDuration ", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EdgeValuesPollyAccepts_AreValid()
    {
        var options = new ResilienceOptions
        {
            Timeout = TimeSpan.FromMilliseconds(11),
            AttemptTimeout = null,
            MaxRetryAttempts = 0,
            BaseDelay = TimeSpan.Zero,
            MaxDelay = TimeSpan.Zero,
            FailureRatio = 1,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromMilliseconds(500),
            BreakDuration = TimeSpan.FromDays(1),
        };

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void ThrowIfInvalid_BadOptions_ThrowsNamingThePipelineAndTheFields()
    {
        var options = new ResilienceOptions { MaxRetryAttempts = -1, MinimumThroughput = 0 };

        var ex = Assert.Throws<ResilienceOptionsException>(() => options.ThrowIfInvalid("publish"));

        Assert.Equal("publish", ex.PipelineName);
        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("Resilience pipeline 'publish' is misconfigured: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetryAttempts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MinimumThroughput", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThrowIfInvalid_ValidOptions_DoesNotThrow()
    {
        new ResilienceOptions().ThrowIfInvalid("state");
    }

    [Fact]
    public void Clone_CopiesEverySettingIndependently()
    {
        var original = new ResilienceOptions { MaxRetryAttempts = 7, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = false };

        var copy = original.Clone();
        copy.MaxRetryAttempts = 1;

        Assert.Equal(7, original.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), copy.BaseDelay);
        Assert.False(copy.UseJitter);
    }
}
