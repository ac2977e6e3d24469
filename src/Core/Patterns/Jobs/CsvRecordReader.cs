using System.Text;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// Reads RFC 4180 records from text: fields separated by commas, records by CRLF (a lone LF or CR is taken too), a
/// field in double quotes may hold commas, line breaks and doubled quotes. Quoting that breaks the RFC (a quoted
/// field never closed, text after a closing quote, a quote inside an unquoted field) makes that one record malformed:
/// it ends at the next line break (an unclosed quote runs to the end of the input, as in every RFC reader), and
/// reading goes on after it. The same text read from the same record start always gives the same records, so a chunk
/// of a job re-read from its slice of the upload sees exactly what the split saw.
/// </summary>
internal sealed class CsvRecordReader(string text, int firstLine = 1)
{
    /// <summary>Reason for a quoted field that is never closed.</summary>
    public const string UnclosedQuote = "quoted field is not closed";

    /// <summary>Reason for characters after a closing quote.</summary>
    public const string TextAfterQuote = "text after a closing quote";

    /// <summary>Reason for a quote inside a field that is not quoted.</summary>
    public const string QuoteInUnquotedField = "quote inside an unquoted field";

    private readonly StringBuilder _field = new();
    private int _position;
    private int _line = firstLine;

    /// <summary>Reads the next record; false at the end of the text (a line break ending the text starts no record).</summary>
    public bool TryRead(out CsvRecord record)
    {
        if (_position >= text.Length)
        {
            record = default;
            return false;
        }

        var start = _position;
        var line = _line;
        var fields = new List<string>(2);
        var error = IsLineBreak(text[_position]) ? null : ReadFields(fields);
        var end = _position;
        SkipLineBreak();
        record = new CsvRecord(line, start, end, fields, error);
        return true;
    }

    private string? ReadFields(List<string> fields)
    {
        while (true)
        {
            var error = _position < text.Length && text[_position] == '"' ? ReadQuoted() : ReadUnquoted();
            if (error is not null)
            {
                if (error != UnclosedQuote)
                {
                    // Resynchronise at the next line break: the rest of this record is not trusted.
                    while (_position < text.Length && !IsLineBreak(text[_position]))
                    {
                        _position++;
                    }
                }

                _field.Clear();
                return error;
            }

            fields.Add(_field.ToString());
            _field.Clear();
            if (_position < text.Length && text[_position] == ',')
            {
                _position++;
                continue;
            }

            return null;
        }
    }

    private string? ReadQuoted()
    {
        _position++; // the opening quote
        while (true)
        {
            if (_position >= text.Length)
            {
                return UnclosedQuote;
            }

            var c = text[_position];
            if (c == '"')
            {
                if (_position + 1 < text.Length && text[_position + 1] == '"')
                {
                    _field.Append('"');
                    _position += 2;
                    continue;
                }

                _position++; // the closing quote
                return _position < text.Length && text[_position] != ',' && !IsLineBreak(text[_position]) ? TextAfterQuote : null;
            }

            if (c == '\r' && _position + 1 < text.Length && text[_position + 1] == '\n')
            {
                _field.Append("\r\n");
                _position += 2;
                _line++;
                continue;
            }

            if (IsLineBreak(c))
            {
                _line++;
            }

            _field.Append(c);
            _position++;
        }
    }

    private string? ReadUnquoted()
    {
        while (_position < text.Length)
        {
            var c = text[_position];
            if (c == ',' || IsLineBreak(c))
            {
                break;
            }

            if (c == '"')
            {
                return QuoteInUnquotedField;
            }

            _field.Append(c);
            _position++;
        }

        return null;
    }

    private void SkipLineBreak()
    {
        if (_position >= text.Length)
        {
            return;
        }

        _position += text[_position] == '\r' && _position + 1 < text.Length && text[_position + 1] == '\n' ? 2 : 1;
        _line++;
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n';
}
