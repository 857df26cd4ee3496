using Vigil.Server.Store;

namespace Vigil.Server.Tests.Store;

/// <summary>The id filter never forgets an id it was given, and rules out almost every other.</summary>
public sealed class IdFilterTests
{
    [Fact]
    public void NoFalseNegatives_AndFewFalsePositives()
    {
        var filter = new IdFilter(100_000);
        for (var i = 0; i < 100_000; i++) filter.Add($"id-{i}");
        Assert.All(Enumerable.Range(0, 100_000), i => Assert.True(filter.MightContain($"id-{i}")));
        var falsePositives = Enumerable.Range(0, 200_000).Count(i => filter.MightContain($"other-{i}"));
        // Sized for 1e-5: expect about 2 in 200,000; allow a wide margin.
        Assert.InRange(falsePositives, 0, 40);
        Assert.Equal(100_000, filter.Count);
        Assert.InRange(filter.Bytes, 250_000, 350_000); // about 24 bits an id
    }

    [Fact]
    public void PastItsCapacity_ItStillNeverForgets()
    {
        var filter = new IdFilter(1000);
        for (var i = 0; i < 20_000; i++) filter.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(Enumerable.Range(0, 20_000), i => Assert.True(filter.MightContain(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.False(new IdFilter(10).MightContain("never added"));
        Assert.True(new IdFilter(10).Bytes >= 8);
        var unicode = new IdFilter(10);
        unicode.Add("ключ-ñ-🙂" + new string('x', 1000));
        Assert.True(unicode.MightContain("ключ-ñ-🙂" + new string('x', 1000)));
    }
}
