using System.Text;
using Vigil.Engine.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>RowBinary's bytes, without a server: the null byte, LEB128 lengths, little-endian numbers, whole seconds, and
/// the checks against the columns' types.</summary>
public sealed class ClickHouseRowBinaryTests
{
    private static ClickHouseRowBinary Writer(params (string, string)[] columns) => new(columns, "Q\n"u8);

    private static string Hex(ClickHouseRowBinary w) => Convert.ToHexString(w.Body.Span[w.PrefixLength..]);

    [Fact]
    public void Values_AreWrittenAsClickHouseStoresThem()
    {
        var w = Writer(("s", "String"), ("x", "Nullable(Float64)"), ("t", "DateTime('UTC')"), ("e", "Nullable(UInt8)"), ("r", "UInt64"));
        w.String("ab");
        w.Float64(-3.548805);
        w.DateTime(new DateTime(2024, 1, 2, 3, 4, 5, 999, DateTimeKind.Utc)); // the fraction dropped
        w.UInt8(true);
        w.UInt64(0x0102030405060708);
        w.String("");
        w.Float64(double.NaN); // NULL
        w.DateTime(new DateTime(1960, 1, 1, 0, 0, 0, DateTimeKind.Utc)); // out of range: 0
        w.UInt8(null);
        w.UInt64(0);
        Assert.Equal(2, w.Rows);
        Assert.Equal("02" + "6162" + "00" + "DD0C37E0F3630CC0" + "257D9365" + "0001" + "0807060504030201"
                     + "00" + "01" + "00000000" + "01" + "0000000000000000", Hex(w));
        Assert.Equal("Q\n"u8.ToArray(), w.Body.Span[..w.PrefixLength].ToArray());
        Assert.Equal(0x65937D25u, (uint)(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds);
    }

    [Fact]
    public void Strings_HaveLeb128Lengths_AndUtf8Bytes()
    {
        var w = Writer(("s", "Nullable(String)"));
        string s = new string('x', 299) + "✓";
        w.String(s);
        w.String(null);
        byte[] body = w.Body.Span[w.PrefixLength..].ToArray();
        int n = Encoding.UTF8.GetByteCount(s); // 302 = 0b10_0101110: 0xAE 0x02
        Assert.Equal(302, n);
        Assert.Equal(new byte[] { 0, 0xAE, 0x02 }, body[..3]);
        Assert.Equal(s, Encoding.UTF8.GetString(body, 3, n));
        Assert.Equal(new byte[] { 1 }, body[(3 + n)..]);
    }

    [Fact]
    public void Value_ConvertsToTheColumnsType()
    {
        var w = Writer(("p", "Nullable(Float64)"), ("l", "Nullable(String)"), ("e", "Nullable(UInt8)"), ("r", "UInt64"));
        w.Value(true);
        w.Value(2.5);
        w.Value(1L);
        w.Value(7L);
        Assert.Equal("00" + "000000000000F03F" + "00" + "03" + "322E35" + "00" + "01" + "0700000000000000", Hex(w));
        Assert.Throws<InvalidOperationException>(() => w.Value(DateTime.UnixEpoch)); // not a Float64
    }

    [Fact]
    public void WrongKinds_Nulls_AndIncompleteRows_Throw()
    {
        var w = Writer(("id", "String"), ("x", "Float64"));
        Assert.Throws<InvalidOperationException>(() => w.Float64(1)); // id is a String
        Assert.Throws<InvalidOperationException>(() => w.String(null)); // not Nullable
        w.String("a");
        Assert.Throws<InvalidOperationException>(() => w.Float64(double.NaN)); // NaN is NULL, and x is not Nullable
        Assert.Throws<InvalidOperationException>(w.CheckComplete);
        w.Float64(-0.0);
        w.CheckComplete();
        Assert.Equal("01" + "61" + "0000000000000080", Hex(w));
        Assert.Throws<NotSupportedException>(() => Writer(("a", "Array(Float64)")));
    }
}
