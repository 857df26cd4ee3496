using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// A ClickHouse column type and how its text values cross into .NET. <c>Nullable(T)</c> and <c>LowCardinality(T)</c> read
/// as T. Integers → Int64 (a UInt64/Int128/UInt128 value beyond Int64 turns the column into Double, as DuckDB's UBIGINT
/// does); Float32/64 and Decimal → Double (inf, -inf, nan); Bool → Boolean; Date, DateTime, DateTime('tz'),
/// DateTime64(p[, 'tz']) → Timestamp in UTC; String, FixedString (trailing zero bytes dropped), Enum, UUID, IPs, and
/// composite types (Array, Tuple, Map: their ClickHouse text such as <c>[1.5,2]</c>) → String.
/// </summary>
internal sealed class ClickHouseColumnType
{
    private enum Reader { Integer, Float, Bool, Text, FixedText, Date, DateTime }

    private readonly Reader _reader;
    private readonly TimeZoneInfo? _zone;

    private ClickHouseColumnType(string name, ColumnKind kind, Reader reader, TimeZoneInfo? zone)
    {
        Name = name;
        Kind = kind;
        _reader = reader;
        _zone = zone;
    }

    /// <summary>The type as ClickHouse names it.</summary>
    public string Name { get; }

    public ColumnKind Kind { get; }

    /// <summary>Parses a type name such as <c>Nullable(DateTime('Europe/Moscow'))</c>.</summary>
    public static ClickHouseColumnType Parse(string name, TimeZoneInfo serverTimeZone)
    {
        string t = name.Trim();
        while (true)
        {
            if (Unwrap(ref t, "Nullable(") || Unwrap(ref t, "LowCardinality(")) continue;
            break;
        }
        string bare = t.Contains('(', StringComparison.Ordinal) ? t[..t.IndexOf('(', StringComparison.Ordinal)] : t;
        switch (bare)
        {
            case "Int8" or "Int16" or "Int32" or "Int64" or "UInt8" or "UInt16" or "UInt32" or "UInt64"
                or "Int128" or "UInt128" or "Int256" or "UInt256":
                return new(name, ColumnKind.Int64, Reader.Integer, null);
            case "Float32" or "Float64" or "Decimal" or "Decimal32" or "Decimal64" or "Decimal128" or "Decimal256" or "BFloat16":
                return new(name, ColumnKind.Double, Reader.Float, null);
            case "Bool" or "Boolean":
                return new(name, ColumnKind.Boolean, Reader.Bool, null);
            case "Date" or "Date32":
                return new(name, ColumnKind.Timestamp, Reader.Date, null);
            case "DateTime" or "DateTime64":
                return new(name, ColumnKind.Timestamp, Reader.DateTime, ZoneOf(t, serverTimeZone));
            case "FixedString":
                return new(name, ColumnKind.String, Reader.FixedText, null);
            default:
                return new(name, ColumnKind.String, Reader.Text, null);
        }
    }

    private static bool Unwrap(ref string t, string prefix)
    {
        if (!t.StartsWith(prefix, StringComparison.Ordinal) || !t.EndsWith(')')) return false;
        t = t[prefix.Length..^1].Trim();
        return true;
    }

    /// <summary>The zone named in <c>DateTime('tz')</c> or <c>DateTime64(3, 'tz')</c>, else the server's.</summary>
    private static TimeZoneInfo ZoneOf(string t, TimeZoneInfo serverTimeZone)
    {
        int q = t.IndexOf('\'', StringComparison.Ordinal);
        if (q < 0) return serverTimeZone;
        int q2 = t.IndexOf('\'', q + 1);
        if (q2 < 0) return serverTimeZone;
        return FindZone(t[(q + 1)..q2]);
    }

    /// <summary>A time zone by its IANA name; UTC for the names of UTC.</summary>
    public static TimeZoneInfo FindZone(string id)
    {
        if (id is "UTC" or "Etc/UTC" or "Etc/UCT" or "UCT" or "Universal" or "Etc/Universal" or "Zulu" or "Etc/Zulu" or "GMT" or "Etc/GMT" or "")
            return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new VigilEngineException(VigilEngineException.ClickHouse, "TIMEZONE",
                $"ClickHouse returned times in the time zone \"{id}\", which this machine does not know; convert them with toTimeZone(x, 'UTC')", isUserError: true);
        }
    }

    /// <summary>Reads one (non-NULL) value into <paramref name="col"/> at <paramref name="row"/>.</summary>
    public void Read(ReadOnlySpan<byte> v, ColumnBuilder col, int row)
    {
        switch (_reader)
        {
            case Reader.Integer:
                if (col.Kind == ColumnKind.Int64 && Utf8Parser.TryParse(v, out long l, out int used) && used == v.Length)
                {
                    col.SetInt64(row, l);
                    return;
                }
                double big = ParseDouble(v);
                if (col.Kind == ColumnKind.Int64) col.PromoteToDouble(row);
                col.SetDouble(row, big);
                return;
            case Reader.Float:
                col.SetDouble(row, ParseDouble(v));
                return;
            case Reader.Bool:
                col.SetInt64(row, v.SequenceEqual("true"u8) || v.SequenceEqual("1"u8) ? 1 : 0);
                return;
            case Reader.Text:
                col.Strings![row] = Encoding.UTF8.GetString(v);
                return;
            case Reader.FixedText:
                col.Strings![row] = Encoding.UTF8.GetString(v.TrimEnd((byte)0));
                return;
            case Reader.Date:
                col.SetInt64(row, Table.DateTimeToMicros(ParseDateTime(v)));
                return;
            default:
                {
                    DateTime local = ParseDateTime(v);
                    DateTime utc = _zone == TimeZoneInfo.Utc || local.Ticks == DateTime.UnixEpoch.Ticks && IsZeroDate(v)
                        ? local
                        : TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone!);
                    col.SetInt64(row, Table.DateTimeToMicros(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
                    return;
                }
        }
    }

    private static double ParseDouble(ReadOnlySpan<byte> v)
    {
        if (v.SequenceEqual("inf"u8) || v.SequenceEqual("+inf"u8)) return double.PositiveInfinity;
        if (v.SequenceEqual("-inf"u8)) return double.NegativeInfinity;
        if (v.SequenceEqual("nan"u8) || v.SequenceEqual("-nan"u8) || v.SequenceEqual("+nan"u8)) return double.NaN;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new VigilEngineException(VigilEngineException.ClickHouse, "FORMAT", $"malformed number in ClickHouse's answer: {Encoding.UTF8.GetString(v)}", isUserError: false);
    }

    private static bool IsZeroDate(ReadOnlySpan<byte> v) => v.StartsWith("0000-00-00"u8);

    /// <summary>yyyy-MM-dd[ HH:mm:ss[.fffffffff]]; the zero date 0000-00-00 (ClickHouse's default) is the Unix epoch.</summary>
    private static DateTime ParseDateTime(ReadOnlySpan<byte> v)
    {
        if (IsZeroDate(v)) return DateTime.UnixEpoch;
        if (v.Length < 10 || v[4] != '-' || v[7] != '-') throw BadTime(v);
        int year = Digits(v, 0, 4), month = Digits(v, 5, 2), day = Digits(v, 8, 2);
        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        if (v.Length > 10)
        {
            if (v.Length < 19 || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':') throw BadTime(v);
            hour = Digits(v, 11, 2);
            minute = Digits(v, 14, 2);
            second = Digits(v, 17, 2);
            if (v.Length > 19)
            {
                if (v[19] != '.') throw BadTime(v);
                long scale = TimeSpan.TicksPerSecond;
                for (int i = 20; i < v.Length; i++)
                {
                    int d = v[i] - '0';
                    if ((uint)d > 9) throw BadTime(v);
                    scale /= 10;
                    fractionTicks += d * scale; // digits beyond 100 ns (DateTime64(9)) add 0
                }
            }
        }
        try
        {
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw BadTime(v);
        }
    }

    private static int Digits(ReadOnlySpan<byte> v, int start, int count)
    {
        int n = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = v[i] - '0';
            if ((uint)d > 9) throw BadTime(v);
            n = n * 10 + d;
        }
        return n;
    }

    private static VigilEngineException BadTime(ReadOnlySpan<byte> v) =>
        new(VigilEngineException.ClickHouse, "FORMAT", $"malformed date or time in ClickHouse's answer: {Encoding.UTF8.GetString(v)}", isUserError: false);
}
