namespace Vigil.Engine.Tests;

public sealed class TableTests
{
    private static Table Sample()
    {
        var b = new TableBuilder(["i", "d", "s", "t", "b"], [ColumnKind.Int64, ColumnKind.Double, ColumnKind.String, ColumnKind.Timestamp, ColumnKind.Boolean], 1);
        for (int r = 0; r < 3; r++)
        {
            b.Reserve(1);
            b.Column(0).SetInt64(r, r * 10);
            b.Column(1).SetDouble(r, r + 0.5);
            b.Column(2).Strings![r] = "s" + r;
            b.Column(3).SetInt64(r, Table.DateTimeToMicros(new DateTime(2024, 1, 1 + r, 0, 0, 0, DateTimeKind.Utc)));
            b.Column(4).SetInt64(r, r % 2);
            if (r == 2)
            {
                for (int c = 0; c < 5; c++) b.Column(c).SetNull(r);
            }
            b.Advance(1);
        }
        return b.Build();
    }

    [Fact]
    public void Accessors_ConvertAndFormatInvariantly()
    {
        Table t = Sample();
        Assert.Equal(3, t.RowCount);
        Assert.Equal(10.0, t.GetDouble(0, 1));
        Assert.Equal("10", t.GetString(0, 1));
        Assert.Equal("1.5", t.GetString(1, 1));
        Assert.Equal("2024-01-02 00:00:00", t.GetString(3, 1));
        Assert.Equal("true", t.GetString(4, 1));
        Assert.Null(t.GetString(2, 2));
        Assert.True(t.IsNull(0, 2));
        Assert.Equal([0.0, 10.0, double.NaN], t.Doubles(0).ToArray());
        Assert.True(double.IsNaN(t.Doubles(1)[2]));
        Assert.Equal([0L, 10L, 0L], t.Int64s(0).ToArray());
        Assert.Equal(new List<string?> { "s0", "s1", null }, t.Strings(2).ToArray().ToList());
        Assert.Throws<InvalidCastException>(() => t.GetDateTime(0, 0));
        Assert.Throws<InvalidCastException>(() => t.Int64s(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.IsNull(0, 3));
        Assert.Equal(1, t.IndexOf("D"));
    }

    [Fact]
    public void PromoteToDouble_KeepsEarlierValuesAndNulls()
    {
        var c = new ColumnBuilder(ColumnKind.Int64, 4);
        c.SetInt64(0, 5);
        c.SetNull(1);
        c.PromoteToDouble(2);
        c.SetDouble(2, 1e30);
        Assert.Equal(ColumnKind.Double, c.Kind);
        Assert.Equal(5.0, c.Doubles![0]);
        Assert.True(double.IsNaN(c.Doubles[1]));
    }
}
