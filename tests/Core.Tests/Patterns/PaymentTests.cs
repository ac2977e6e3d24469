using System.Text;
using Portable.Core.Patterns.Ledger;

namespace Portable.Core.Tests.Patterns;

public sealed class PaymentTests
{
    private static bool TryParse(string body, out Payment payment, out string error) =>
        Payment.TryParse(Encoding.UTF8.GetBytes(body), out payment, out error);

    [Fact]
    public void TryParse_ValidPayment_ReadsEveryField()
    {
        Assert.True(TryParse("""{"paymentId":"p-1","account":"a.1","amount":10.50,"currency":"EUR"}""", out var payment, out var error), error);
        Assert.Equal(new Payment("p-1", "a.1", 10.5m, "EUR"), payment);
    }

    [Fact]
    public void TryParse_OtherMembersNestedAnywhere_AreSkipped()
    {
        const string body = """{"meta":{"paymentId":"inner","list":[{"amount":1},[2,3]]},"paymentId":"p1","tags":["a"],"account":"a1","amount":1e1,"currency":"EUR","n":null}""";
        Assert.True(TryParse(body, out var payment, out var error), error);
        Assert.Equal(new Payment("p1", "a1", 10m, "EUR"), payment);
    }

    [Fact]
    public void TryParse_MemberGivenTwice_TakesTheLast()
    {
        Assert.True(TryParse("""{"paymentId":"p1","account":"a1","amount":1,"currency":"EUR","amount":2}""", out var payment, out _));
        Assert.Equal(2m, payment.Amount);
        Assert.False(TryParse("""{"paymentId":"p1","account":"a1","amount":1,"currency":"EUR","amount":"2"}""", out _, out var error));
        Assert.Contains("amount is required and must be a number", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EscapedNamesAndValues_AreUnescaped()
    {
        Assert.True(TryParse("""{"payment\u0049d":"p\u0031","account":"a1","amount":1,"currency":"\u0045UR"}""", out var payment, out var error), error);
        Assert.Equal(new Payment("p1", "a1", 1m, "EUR"), payment);
    }

    [Theory]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":1,"currency":"EUR"} x""")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":1,"currency":"EUR"}{}""")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":1,"currency":"EUR","x":[1,}""")]
    [InlineData("""[1,""")]
    [InlineData("")]
    public void TryParse_NotOneJsonValue_SaysNotValidJson(string body)
    {
        Assert.False(TryParse(body, out _, out var error));
        Assert.StartsWith("The message body is not valid JSON", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"paymentId":{"id":"p1"},"account":["a1"],"amount":1,"currency":"EUR"}""", "paymentId is required and must be a string; account is required and must be a string")]
    [InlineData("""{"paymentId":"p1","account":"a1","amount":null,"currency":"EUR"}""", "amount is required and must be a number")]
    public void TryParse_MemberOfTheWrongKind_NamesIt(string body, string reason)
    {
        Assert.False(TryParse(body, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
