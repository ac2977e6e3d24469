using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.Core.Tests.Storage;

public sealed class StorageManifestExtensionsTests
{
    private sealed class CsvUpload : IStorageFunction
    {
        public ValueTask<MessageResult> HandleAsync(ObjectCreated created, FunctionContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(MessageResult.DeadLetter("typed:" + created.Key));
    }

    private static readonly StorageHandler Nothing = (_, _, _) => ValueTask.FromResult(MessageResult.Success);

    [Fact]
    public void AddStorageFunction_Typed_DeclaresADatasourceTriggerWithItsFilter()
    {
        var manifest = new FunctionManifestBuilder().AddStorageFunction<CsvUpload>("csv-upload", "uploads", suffix: ".csv").Build();

        var (function, trigger) = manifest.Find<StorageTrigger>("csv-upload")!.Value;

        Assert.Equal("datasource", function.Trigger.Kind);
        Assert.Equal(("uploads", null, ".csv"), (trigger.Bucket, trigger.Prefix, trigger.Suffix));
        Assert.False(trigger.DisableIdempotency);
    }

    [Fact]
    public async Task AddStorageFunction_Typed_BindsTheHandlerFromTheHostServices()
    {
        var manifest = new FunctionManifestBuilder().AddStorageFunction<CsvUpload>("csv-upload", "uploads").Build();
        using var services = new ServiceCollection().AddSingleton<CsvUpload>().BuildServiceProvider();
        var trigger = manifest.Find<StorageTrigger>("csv-upload")!.Value.Trigger;

        var result = await trigger.BindHandler(services)(new ObjectCreated { Cloud = CloudProvider.Local, Bucket = "uploads", Key = "a.csv" }, null!, CancellationToken.None);

        Assert.Equal("typed:a.csv", result.Reason);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Uploads")]
    [InlineData("my.bucket")]
    [InlineData("my_bucket")]
    [InlineData("-uploads")]
    [InlineData("uploads-")]
    [InlineData("up--loads")]
    public void AddStorageFunction_BucketNotValidOnEveryCloud_ThrowsNamingIt(string bucket)
    {
        var error = Assert.Throws<ArgumentException>(() => new FunctionManifestBuilder().AddStorageFunction("fn", bucket, Nothing));

        Assert.Contains($"'{bucket}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("bucket", error.ParamName);
    }

    [Fact]
    public void AddStorageFunction_LongestValidBucket_IsAccepted()
    {
        var bucket = new string('a', 63);

        var manifest = new FunctionManifestBuilder().AddStorageFunction("fn", bucket, Nothing).Build();

        Assert.Equal(bucket, manifest.Find<StorageTrigger>("fn")!.Value.Trigger.Bucket);
    }

    [Theory]
    [InlineData("", null, "prefix")]
    [InlineData(null, "*.csv", "suffix")]
    public void AddStorageFunction_EmptyOrWildcardFilter_Throws(string? prefix, string? suffix, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(() => new FunctionManifestBuilder().AddStorageFunction("fn", "uploads", Nothing, prefix, suffix));

        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData("in/a.csv", true)]
    [InlineData("in/a.CSV", false)]
    [InlineData("out/a.csv", false)]
    [InlineData("in/a.csv.bak", false)]
    public void Matches_PrefixAndSuffix_AreOrdinal(string key, bool expected)
    {
        var trigger = StorageManifestExtensions.Trigger("uploads", "in/", ".csv", _ => Nothing);

        Assert.Equal(expected, trigger.Matches(key));
    }

    [Fact]
    public void Matches_NoFilter_TakesEveryKey()
    {
        Assert.True(StorageManifestExtensions.Trigger("uploads", null, null, _ => Nothing).Matches("anything at all"));
    }
}
