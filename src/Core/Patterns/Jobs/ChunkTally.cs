using System.Globalization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// Counts one chunk: parses its text again from its first line, checks each row and adds up count and sum per
/// category. Deterministic, so every delivery of a chunk computes the same record.
/// </summary>
/// <remarks>
/// An amount is a plain decimal number (<c>-12.50</c>, <c>+3</c>, <c>.5</c>; spaces and tabs around it are ignored;
/// no exponent, no thousands separator) with at most 15 digits before the point and 8 after it. Within those bounds
/// every amount is exact in a <see cref="decimal"/> and so is every sum a CSV of at most
/// <see cref="JobOptions.MaxCsvBytesLimit"/> can make (under 10^15 × 470,000 rows at 8 decimal places, inside the
/// 28 digits a decimal holds), so no sum is ever rounded. The category is the field as written (RFC 4180 keeps spaces);
/// one that is empty or only white space is rejected.
/// </remarks>
internal static class ChunkTally
{
    /// <summary>The most digits before the decimal point.</summary>
    public const int MaxIntegerDigits = 15;

    /// <summary>The most digits after it.</summary>
    public const int MaxDecimalPlaces = 8;

    /// <summary>Reason for a row whose category is empty.</summary>
    public const string EmptyCategory = "category is empty";

    /// <summary>Reason for an amount that is not a plain decimal number.</summary>
    public const string NotADecimal = "amount is not a decimal number";

    /// <summary>Reason for an amount with too many digits before the point.</summary>
    public static readonly string TooManyDigits = $"amount has more than {MaxIntegerDigits} digits before the point";

    /// <summary>Reason for an amount with too many decimal places.</summary>
    public static readonly string TooManyDecimals = $"amount has more than {MaxDecimalPlaces} decimal places";

    /// <summary>The record of <paramref name="message"/>'s chunk.</summary>
    public static ChunkRecord Count(ChunkMessage message)
    {
        var rejected = new List<RejectedRow>(message.Skipped ?? []);
        var totals = new Dictionary<string, (int Count, decimal Sum)>(StringComparer.Ordinal);
        var rows = 0;
        var reader = new CsvRecordReader(message.Text, message.Line);
        while (reader.TryRead(out var record))
        {
            if (record.IsBlank)
            {
                continue;
            }

            if (Check(record, out var category, out var amount) is { } reason)
            {
                rejected.Add(new RejectedRow(record.Line, reason));
                continue;
            }

            rows++;
            totals[category] = totals.TryGetValue(category, out var total) ? (total.Count + 1, Add(total.Sum, amount)) : (1, amount);
        }

        var result = new SortedDictionary<string, CategoryTotal>(StringComparer.Ordinal);
        foreach (var (category, total) in totals)
        {
            result[category] = new CategoryTotal(total.Count, total.Sum);
        }

        return new ChunkRecord(rows, rejected, result);
    }

    /// <summary>
    /// <paramref name="a"/> + <paramref name="b"/> with decimal arithmetic (the scale of the more precise one kept), a
    /// zero result written without a sign.
    /// </summary>
    public static decimal Add(decimal a, decimal b)
    {
        var sum = a + b;
        return sum == 0m ? new decimal(0, 0, 0, isNegative: false, scale: sum.Scale) : sum;
    }

    /// <summary>Null for a good row (with its category and amount), else the reason it is rejected.</summary>
    private static string? Check(CsvRecord record, out string category, out decimal amount)
    {
        category = string.Empty;
        amount = 0m;
        if (record.Error is not null)
        {
            return record.Error;
        }

        if (record.Fields.Count != 2)
        {
            return $"expected 2 fields, found {record.Fields.Count}";
        }

        category = record.Fields[0];
        if (string.IsNullOrWhiteSpace(category))
        {
            return EmptyCategory;
        }

        return TryParseAmount(record.Fields[1], out amount);
    }

    /// <summary>Null when <paramref name="field"/> is an amount within the bounds (and <paramref name="amount"/> its value), else why not.</summary>
    public static string? TryParseAmount(string field, out decimal amount)
    {
        amount = 0m;
        var text = field.AsSpan().Trim(" \t");
        var i = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var integerDigits = text[integerStart..i].TrimStart('0').Length;
        var anyDigit = i > integerStart;
        var decimals = 0;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            decimals = i - fractionStart;
            anyDigit |= decimals > 0;
        }

        if (!anyDigit || i != text.Length)
        {
            return NotADecimal;
        }

        if (integerDigits > MaxIntegerDigits)
        {
            return TooManyDigits;
        }

        if (decimals > MaxDecimalPlaces)
        {
            return TooManyDecimals;
        }

        amount = decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (amount == 0m)
        {
            // -0 and -0.00 are zero: written without a sign, with their decimal places.
            amount = new decimal(0, 0, 0, isNegative: false, scale: amount.Scale);
        }

        return null;
    }
}
