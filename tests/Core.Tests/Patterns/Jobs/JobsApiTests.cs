using System.Text;
using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Patterns.Jobs;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Jobs;

public sealed class JobsApiTests : IDisposable
{
    private readonly FunctionTestHost _host = JobsFixture.Host();

    public void Dispose() => _host.Dispose();

    private static void AssertError(PortableHttpResponse response, int status, string containing)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(PortableHttpResponse.JsonContentType, response.Headers["Content-Type"]);
        var error = JobsFixture.Json(response).GetProperty("error").GetString()!;
        Assert.Contains(containing, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJob_Csv_Returns202WithLocationAndRunningAndOneMessagePerChunk()
    {
        var (csv, _) = JobsFixture.Generate(250);

        var response = await _host.PostCsvAsync(csv);

        Assert.Equal(202, response.StatusCode);
        var body = JobsFixture.Json(response);
        Assert.Equal(["id", "status"], body.EnumerateObject().Select(p => p.Name));
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal("running", body.GetProperty("status").GetString());
        Assert.Equal($"/jobs/{id}", response.Headers["Location"]);
        Assert.Equal(PortableHttpResponse.JsonContentType, response.Headers["Content-Type"]);
        Assert.Equal(3, _host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);

        var job = await _host.GetJobAsync(id);
        Assert.Equal(["id", "status", "chunks", "rows", "rejected", "result"], job.EnumerateObject().Select(p => p.Name));
        Assert.Equal("running", job.GetProperty("status").GetString());
        Assert.Equal((3, 0), JobsFixture.Chunks(job));
        Assert.Equal(0, job.GetProperty("rows").GetInt32());
        Assert.Empty(JobsFixture.Result(job));
    }

    [Fact]
    public async Task PostJob_ThenChunksDelivered_GetShowsCompletedExactTotals()
    {
        var (csv, expected) = JobsFixture.Generate(250);
        var id = await _host.StartAsync(csv);

        Assert.Equal(3, await _host.DeliverPublishedAsync());

        var job = await _host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((3, 3), JobsFixture.Chunks(job));
        Assert.Equal(250, job.GetProperty("rows").GetInt32());
        Assert.Empty(JobsFixture.Rejected(job));
        Assert.Equal(expected, JobsFixture.Result(job));
        var food = job.GetProperty("result").GetProperty("food");
        Assert.Equal(["count", "sum"], food.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PostJob_HalfTheChunksCounted_RunningWithThePartialTotals()
    {
        using var host = JobsFixture.Host(new JobOptions { ChunkRows = 2 });
        var id = await host.StartAsync("category,amount\na,1\na,2\nb,3\nb,4\n");
        var chunks = host.TakeChunks();
        Assert.Equal(2, chunks.Count);

        await host.DeliverOneAsync(JobChunkWorker.Queue, chunks[1]);

        var job = await host.GetJobAsync(id);
        Assert.Equal("running", job.GetProperty("status").GetString());
        Assert.Equal((2, 1), JobsFixture.Chunks(job));
        Assert.Equal(2, job.GetProperty("rows").GetInt32());
        Assert.Equal(new Dictionary<string, (int, string)> { ["b"] = (2, "7") }, JobsFixture.Result(job));
    }

    [Fact]
    public async Task PostJob_HeaderOnly_CompletedAtOnceWithZeroChunks()
    {
        foreach (var csv in new[] { "category,amount", "category,amount\r\n", "category,amount\n\n\r\n", "\uFEFFCategory , Amount\n" })
        {
            var response = await _host.PostCsvAsync(csv);
            Assert.Equal(202, response.StatusCode);
            Assert.Equal("completed", JobsFixture.Json(response).GetProperty("status").GetString());
            var job = await _host.GetJobAsync(JobsFixture.Json(response).GetProperty("id").GetString()!);
            Assert.Equal("completed", job.GetProperty("status").GetString());
            Assert.Equal((0, 0), JobsFixture.Chunks(job));
            Assert.Equal(0, job.GetProperty("rows").GetInt32());
            Assert.Empty(JobsFixture.Rejected(job));
            Assert.Equal(JsonValueKind.Object, job.GetProperty("result").ValueKind);
            Assert.Empty(JobsFixture.Result(job));
        }

        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task PostJob_MalformedRows_ReportedWithLineNumbersAndTheRestCounted()
    {
        var csv = string.Join("\n",
            "category,amount",        // 1
            "food,10.50",             // 2
            "food",                   // 3: one field
            "food,1,2",               // 4: three fields
            ",5",                     // 5: empty category
            "  ,5",                   // 6: blank category
            "food,abc",               // 7
            "food,1e3",               // 8: no exponents
            "food,\"1,000\"",         // 9: no thousands separators
            "food,1.123456789",       // 10: nine decimal places
            "food,1234567890123456",  // 11: sixteen digits before the point
            "\"multi",                // 12: a quoted field over two lines…
            "line\",2.25",            // 13
            "food,\"3\"x",            // 14: text after a closing quote
            "fo\"od,1",               // 15: a quote inside an unquoted field
            "",                       // 16: a blank line is not a row
            "rent, 7 ",               // 17: spaces around an amount are fine
            "food,-0.50",             // 18
            "\"unclosed,4",           // 19: an unclosed quote runs to the end…
            "food,100");              // 20 …so this is part of it
        var id = await _host.StartAsync(csv);
        await _host.DeliverPublishedAsync();

        var job = await _host.GetJobAsync(id);
        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(4, job.GetProperty("rows").GetInt32()); // accepted rows only
        Assert.Equal(
            [
                (3, "expected 2 fields, found 1"),
                (4, "expected 2 fields, found 3"),
                (5, "category is empty"),
                (6, "category is empty"),
                (7, "amount is not a decimal number"),
                (8, "amount is not a decimal number"),
                (9, "amount is not a decimal number"),
                (10, "amount has more than 8 decimal places"),
                (11, "amount has more than 15 digits before the point"),
                (14, "text after a closing quote"),
                (15, "quote inside an unquoted field"),
                (19, "quoted field is not closed"),
            ],
            JobsFixture.Rejected(job));
        Assert.Equal(
            new Dictionary<string, (int, string)> { ["food"] = (2, "10.00"), ["multi\nline"] = (1, "2.25"), ["rent"] = (1, "7") },
            JobsFixture.Result(job));
    }

    [Fact]
    public async Task PostJob_QuotedFields_ParsedAsRfc4180()
    {
        var csv = "\"category\",\"amount\"\r\n"
            + "\"Food, drinks\",10.50\r\n"
            + "\"say \"\"hi\"\"\",\"1.25\"\r\n"
            + "\"two\r\nlines\",2\r\n"
            + "\"\"\"\",3\r\n"
            + "\"Food, drinks\",0.25\r\n"
            + "plain,\"-4\"\r\n"
            + "\"bad\",x\r\n";
        var id = await _host.StartAsync(csv);
        await _host.DeliverPublishedAsync();

        var job = await _host.GetJobAsync(id);
        Assert.Equal(6, job.GetProperty("rows").GetInt32());
        Assert.Equal(
            new Dictionary<string, (int, string)>
            {
                ["Food, drinks"] = (2, "10.75"),
                ["say \"hi\""] = (1, "1.25"),
                ["two\r\nlines"] = (1, "2"),
                ["\""] = (1, "3"),
                ["plain"] = (1, "-4"),
            },
            JobsFixture.Result(job));
        // The quoted line break counts: "two\r\nlines" starts on line 4, so the bad row is on line 9.
        Assert.Equal([(9, "amount is not a decimal number")], JobsFixture.Rejected(job));
    }

    [Fact]
    public async Task PostJob_Sums_ExactDecimalsWithTheirDecimalPlaces()
    {
        var csv = new StringBuilder("category,amount\n");
        for (var i = 0; i < 10; i++)
        {
            csv.Append("tenths,0.1\n");
        }

        csv.Append("money,10.50\nmoney,2\nzero,-0.00\nzero,0\nbig,999999999999999.99999999\nbig,999999999999999.99999999\nbig,-0.00000001\n");
        csv.Append("cancel,1.5\ncancel,-1.5\n");
        var id = await _host.StartAsync(csv.ToString());
        await _host.DeliverPublishedAsync();

        var response = await _host.SendAsync("GET", $"/jobs/{id}");
        var result = JobsFixture.Result(JobsFixture.Json(response));
        Assert.Equal((10, "1.0"), result["tenths"]);
        Assert.Equal((2, "12.50"), result["money"]);
        Assert.Equal((2, "0.00"), result["zero"]);
        Assert.Equal((3, "1999999999999999.99999997"), result["big"]);
        Assert.Equal((2, "0.0"), result["cancel"]);
        Assert.Contains("\"sum\":12.50}", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJob_Categories_KeptAsWrittenInOrdinalOrder()
    {
        var id = await _host.StartAsync("category,amount\nb,1\nB,2\n b,3\nä,4\na,5\n");
        await _host.DeliverPublishedAsync();

        var job = await _host.GetJobAsync(id);
        Assert.Equal([" b", "B", "a", "b", "ä"], job.GetProperty("result").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("text/csv; charset=iso-8859-1")]
    [InlineData("text/csvx")]
    public async Task PostJob_OtherContentType_Returns415(string contentType)
    {
        var response = await _host.SendAsync("POST", "/jobs", "category,amount\na,1\n", ("Content-Type", contentType));

        AssertError(response, 415, "text/csv");
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task PostJob_NoContentType_Returns415()
    {
        var response = await _host.SendAsync(HttpRequestBuilder.Post("/jobs").WithBody(Encoding.UTF8.GetBytes("category,amount\na,1\n"), null));

        AssertError(response, 415, "(none)");
    }

    [Theory]
    [InlineData("text/csv")]
    [InlineData("TEXT/CSV; charset=UTF-8")]
    [InlineData("text/csv; header=present; charset=\"utf-8\"")]
    public async Task PostJob_CsvContentTypes_Accepted(string contentType)
    {
        var response = await _host.SendAsync("POST", "/jobs", "category,amount\na,1\n", ("Content-Type", contentType));

        Assert.Equal(202, response.StatusCode);
    }

    [Fact]
    public async Task PostJob_LargerThanTheLimit_Returns413()
    {
        using var host = JobsFixture.Host(new JobOptions { MaxCsvBytes = 1024 });
        var csv = "category,amount\n" + string.Concat(Enumerable.Repeat("food,1.00\n", 101)); // 16 + 1010 bytes

        var response = await host.PostCsvAsync(csv);

        AssertError(response, 413, "1024 bytes");
        Assert.Empty(host.Publisher.Published);
        Assert.Equal(202, (await host.PostCsvAsync(csv[..1024])).StatusCode);
    }

    [Fact]
    public async Task PostJob_LargerThanTheHostLimit_Returns413()
    {
        using var host = JobsFixture.Host(configure: o => o.Host = h => h.MaxRequestBodyBytes = 2048);

        var response = await host.PostCsvAsync("category,amount\n" + new string('a', 2048) + ",1\n");

        AssertError(response, 413, "2048 bytes");
    }

    [Fact]
    public async Task PostJob_EmptyBody_Returns400()
    {
        AssertError(await _host.PostCsvAsync(string.Empty), 400, "CSV request body is required");
    }

    [Theory]
    [InlineData("name,value\na,1\n")]
    [InlineData("category\na,1\n")]
    [InlineData("category,amount,extra\na,1,2\n")]
    [InlineData("amount,category\n1,a\n")]
    [InlineData("\ncategory,amount\na,1\n")]
    [InlineData("\"category,amount\na,1\n")]
    [InlineData("   ")]
    public async Task PostJob_WrongHeaderLine_Returns400(string csv)
    {
        AssertError(await _host.PostCsvAsync(csv), 400, "The first line must be the header 'category,amount'");
        Assert.Empty(_host.Publisher.Published);
    }

    [Fact]
    public async Task PostJob_NotUtf8_Returns400()
    {
        byte[] body = [.. "category,amount\ncaf"u8, 0xE9, .. ",1\n"u8];

        var response = await _host.SendAsync(HttpRequestBuilder.Post("/jobs").WithBody(body, "text/csv"));

        AssertError(response, 400, "not valid UTF-8 (byte 20)");
    }

    [Theory]
    [InlineData("/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("/jobs/no%20such")]
    [InlineData("/jobs/j0123456789abcdef0123456789abcdef")]
    public async Task GetJob_Unknown_Returns404(string path)
    {
        AssertError(await _host.SendAsync("GET", path), 404, "was not found");
    }

    [Fact]
    public async Task PostJob_SameIdempotencyKeyTwice_ReplaysTheSameJobAndPublishesOnce()
    {
        var (csv, expected) = JobsFixture.Generate(150);

        var first = await _host.PostCsvAsync(csv, ("Idempotency-Key", "upload-7"));
        var second = await _host.PostCsvAsync(csv, ("Idempotency-Key", "upload-7"));

        Assert.Equal((202, 202), (first.StatusCode, second.StatusCode));
        Assert.Equal("true", second.Headers["Idempotent-Replayed"]);
        Assert.Equal(first.Body.ToArray(), second.Body.ToArray());
        Assert.Equal(first.Headers["Location"], second.Headers["Location"]);
        Assert.Equal(2, _host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);
        await _host.DeliverPublishedAsync();
        var job = await _host.GetJobAsync(JobsFixture.Json(first).GetProperty("id").GetString()!);
        Assert.Equal(150, job.GetProperty("rows").GetInt32());
        Assert.Equal(expected, JobsFixture.Result(job));
    }

    [Fact]
    public async Task PostJob_SameIdempotencyKeyOtherCsv_Returns422()
    {
        Assert.Equal(202, (await _host.PostCsvAsync("category,amount\na,1\n", ("Idempotency-Key", "k"))).StatusCode);

        var response = await _host.PostCsvAsync("category,amount\na,2\n", ("Idempotency-Key", "k"));

        Assert.Equal(422, response.StatusCode);
        Assert.Single(_host.Publisher.Published);
    }

    [Fact]
    public async Task PostJob_WithoutIdempotencyKey_EachPostIsANewJob()
    {
        var first = await _host.StartAsync("category,amount\na,1\n");
        var second = await _host.StartAsync("category,amount\na,1\n");

        Assert.NotEqual(first, second);
        Assert.Equal(2, _host.Publisher.PublishedTo(JobChunkWorker.Queue).Count);
    }
}
