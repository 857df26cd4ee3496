using System.Globalization;
using System.Text;

namespace Vigil.Cli.Tests;

/// <summary>A generated churn log for <c>vigil segments</c> (CLI and browser tests).</summary>
public static class ChurnLog
{
    /// <summary>20,000 rows; the model is calibrated everywhere except for tenure &lt;30d on Saturdays, where it
    /// predicts about 31 % churn and 12 % churn.</summary>
    public static string Write(string dir, int rows = 20000)
    {
        var rng = new Random(42);
        string[] tenure = ["<30d", "30-90d", "90-365d", ">1y"];
        string[] days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        string[] plans = ["basic", "pro", "team"];
        string[] devices = ["ios", "android", "web"];
        var sb = new StringBuilder("customer_id,tenure_bucket,day_of_week,plan,device,tenure_days,prediction_score,churned\n");
        for (var i = 0; i < rows; i++)
        {
            var t = rng.Next(4);
            var d = days[rng.Next(7)];
            var p = 0.05 + 0.3 * rng.NextDouble();
            var planted = t == 0 && d == "Sat";
            var score = planted ? 0.31 + 0.05 * (rng.NextDouble() - 0.5) : p;
            var truth = planted ? 0.12 : p;
            var y = rng.NextDouble() < truth ? 1 : 0;
            var days_ = t switch { 0 => rng.Next(1, 30), 1 => rng.Next(30, 90), 2 => rng.Next(90, 365), _ => rng.Next(365, 2000) };
            sb.Append(CultureInfo.InvariantCulture, $"c{i},{tenure[t]},{d},{plans[rng.Next(3)]},{devices[rng.Next(3)]},{days_},{score.ToString("0.####", CultureInfo.InvariantCulture)},{y}\n");
        }
        var path = Path.Combine(dir, "churn.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
