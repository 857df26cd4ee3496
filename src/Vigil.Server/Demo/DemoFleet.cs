using Vigil.Analysis.Results;

namespace Vigil.Server.Demo;

/// <summary>What the demo makes of a model: it stays healthy, a feature drifts, a new version performs worse, its
/// traffic stops, a feature drifts on and off, its latency grows, or its predictions start failing.</summary>
public enum DemoFate { Healthy, Drifting, Degrading, Silent, Flapping, SlowLatency, Errors }

/// <summary>
/// One model of <c>vigil serve --demo</c>'s fleet: its name, task, owners and tags, its fate, and the fleet status
/// (<c>critical</c>, <c>warning</c>, <c>no_data</c> or <c>ok</c>, as docs/dashboard.md defines them) it shows once the
/// history is in and the monitors have run (<see cref="Expected"/>; null for the flapping model, whose status alternates)
/// and once the live events have played, a few minutes later (<see cref="Later"/>).
/// </summary>
public sealed record DemoModel(string Name, ModelTask Task, DemoFate Fate, string Team, string Owner, IReadOnlyList<string> Tags,
    string? Expected, string? Later, string Story)
{
    /// <summary>Predictions a minute, on average over the day.</summary>
    public double RatePerMinute { get; init; }
}

/// <summary>A line of the demo's catalogue: a kind of model a company runs, with its team, task and features.</summary>
internal sealed record DemoKind(string Stem, string Team, string[] Owners, ModelTask Task, string[] Numbers, string Category, string[] Levels,
    string[] Classes, string[] Tags);

/// <summary>The demo fleet's catalogue and how fates are dealt to its models (deterministic given the seed).</summary>
internal static class DemoFleet
{
    /// <summary>The kinds of models, one per line; the fleet takes them in order and adds a region when it runs out.</summary>
    public static readonly DemoKind[] Kinds =
    [
        new("fraud", "risk", ["ana", "ben"], ModelTask.Binary, ["amount", "age"], "country", ["DE", "FR", "NL", "IT", "ES"], [], ["payments", "tier-1", "realtime"]),
        new("churn", "growth", ["chloe", "dev"], ModelTask.Binary, ["tenure_months", "sessions_7d", "tickets_30d"], "plan", ["free", "basic", "pro", "team"], [], ["retention", "batch"]),
        new("eta", "ops", ["gus", "hana"], ModelTask.Regression, ["distance_km", "items", "traffic_index"], "city", ["berlin", "paris", "madrid", "rome"], [], ["logistics", "realtime", "tier-1"]),
        new("ticket-routing", "support", ["jun", "kai"], ModelTask.Multiclass, ["length_words", "customer_age_days"], "channel", ["email", "chat", "phone"], ["billing", "technical", "account", "shipping"], ["nlp", "realtime"]),
        new("chargeback", "risk", ["ana", "ben"], ModelTask.Binary, ["amount", "merchant_age_days", "disputes_90d"], "mcc", ["retail", "travel", "digital", "food"], [], ["payments", "tier-1"]),
        new("ranking-ctr", "search", ["emil", "farah"], ModelTask.Binary, ["position", "query_length", "doc_age_days"], "device", ["ios", "android", "web"], [], ["ranking", "realtime", "tier-1"]),
        new("demand-forecast", "ops", ["gus", "hana"], ModelTask.Regression, ["orders_lag_1d", "orders_lag_7d", "temperature"], "weekday", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], [], ["forecasting", "batch"]),
        new("query-intent", "search", ["emil", "farah"], ModelTask.Multiclass, ["query_length", "clicks_prev"], "locale", ["en", "de", "fr", "es"], ["navigational", "informational", "transactional"], ["nlp", "realtime"]),
        new("upsell", "growth", ["chloe", "dev"], ModelTask.Binary, ["spend_30d", "seats", "logins_7d"], "plan", ["basic", "pro", "team"], [], ["revenue", "batch"]),
        new("credit-default", "risk", ["ben", "ana"], ModelTask.Binary, ["income", "debt_ratio", "credit_lines"], "employment", ["salaried", "self", "student", "retired"], [], ["lending", "tier-1", "pii"]),
        new("dynamic-fee", "pricing", ["ivan", "lea"], ModelTask.Regression, ["basket_value", "distance_km", "demand_ratio"], "zone", ["core", "suburb", "rural"], [], ["pricing", "realtime"]),
        new("sentiment", "support", ["kai", "jun"], ModelTask.Multiclass, ["length_words", "exclamations"], "source", ["app", "web", "social"], ["negative", "neutral", "positive"], ["nlp", "batch"]),
        new("account-takeover", "risk", ["ana", "mia"], ModelTask.Binary, ["failed_logins", "new_device_score", "geo_distance_km"], "auth", ["password", "sso", "otp"], [], ["security", "realtime", "tier-1"]),
        new("signup-conversion", "growth", ["dev", "chloe"], ModelTask.Binary, ["pages_viewed", "session_minutes", "referrals"], "source", ["ads", "organic", "partner", "email"], [], ["marketing", "realtime"]),
        new("pick-time", "ops", ["hana", "gus"], ModelTask.Regression, ["items", "aisles", "weight_kg"], "warehouse", ["north", "south", "east"], [], ["logistics", "batch"]),
        new("relevance-grade", "search", ["farah", "emil"], ModelTask.Multiclass, ["bm25", "doc_length", "freshness_days"], "vertical", ["shop", "help", "news"], ["bad", "fair", "good", "perfect"], ["ranking", "batch"]),
        new("aml-screening", "risk", ["mia", "ben"], ModelTask.Binary, ["transfer_amount", "counterparties_30d", "cash_ratio"], "corridor", ["eu", "us", "asia", "other"], [], ["compliance", "tier-1", "pii"]),
        new("ltv", "growth", ["chloe", "dev"], ModelTask.Regression, ["orders_90d", "avg_basket", "tenure_months"], "segment", ["new", "regular", "vip"], [], ["revenue", "batch"]),
        new("delivery-delay", "ops", ["gus", "noor"], ModelTask.Binary, ["distance_km", "courier_load", "rain_mm"], "vehicle", ["bike", "car", "van"], [], ["logistics", "realtime"]),
        new("doc-type", "support", ["jun", "kai"], ModelTask.Multiclass, ["pages", "ocr_confidence"], "upload", ["scan", "photo", "pdf"], ["invoice", "receipt", "contract", "other"], ["nlp", "documents"]),
        new("promo-abuse", "risk", ["ben", "mia"], ModelTask.Binary, ["accounts_per_device", "coupon_uses", "order_value"], "payment", ["card", "wallet", "cash"], [], ["payments", "experimental"]),
        new("dwell-time", "search", ["emil", "olga"], ModelTask.Regression, ["position", "snippet_length", "doc_age_days"], "device", ["ios", "android", "web"], [], ["ranking", "experimental"]),
        new("courier-supply", "ops", ["noor", "hana"], ModelTask.Regression, ["active_couriers", "orders_open", "hour_index"], "city", ["berlin", "paris", "madrid", "rome"], [], ["forecasting", "realtime"]),
        new("email-open", "growth", ["dev", "pia"], ModelTask.Binary, ["subject_length", "sends_30d", "opens_30d"], "campaign", ["promo", "digest", "transactional"], [], ["marketing", "batch"]),
        new("price-elasticity", "pricing", ["lea", "ivan"], ModelTask.Regression, ["price", "competitor_price", "stock_days"], "category", ["grocery", "electronics", "fashion"], [], ["pricing", "batch"]),
        new("csat", "support", ["kai", "jun"], ModelTask.Regression, ["wait_minutes", "messages", "reopened"], "channel", ["email", "chat", "phone"], [], ["quality", "batch"]),
        new("autocomplete-click", "search", ["olga", "farah"], ModelTask.Binary, ["prefix_length", "suggestion_rank", "popularity"], "locale", ["en", "de", "fr"], [], ["ranking", "realtime"]),
        new("push-optin", "growth", ["pia", "chloe"], ModelTask.Binary, ["app_opens_7d", "days_installed", "notifications_seen"], "os", ["ios", "android"], [], ["marketing", "experimental"]),
    ];

    /// <summary>Regions appended to the names once the catalogue has been used up.</summary>
    public static readonly string[] Regions = ["us", "apac", "latam", "mena", "nordics", "ca", "uk", "jp"];

    /// <summary>The fates of an <paramref name="n"/>-model fleet: the first model (fraud) degrades live, one model
    /// flaps, one falls silent live; of the rest about a tenth drift, a tenth degrade, a twelfth are silent, a few have
    /// latency or error problems, and the others stay healthy; shuffled by <paramref name="seed"/>.</summary>
    public static DemoFate[] Fates(int n, int seed)
    {
        var rest = new List<DemoFate> { DemoFate.Flapping, DemoFate.Silent };
        void Add(DemoFate f, int count) => rest.AddRange(Enumerable.Repeat(f, Math.Max(1, count)));
        Add(DemoFate.Drifting, (int)Math.Round(n * 0.1));
        Add(DemoFate.Degrading, (int)Math.Round(n * 0.08));
        Add(DemoFate.Silent, (int)Math.Round(n * 0.07));
        Add(DemoFate.SlowLatency, (int)Math.Round(n * 0.03));
        Add(DemoFate.Errors, (int)Math.Round(n * 0.03));
        while (rest.Count < n - 1) rest.Add(DemoFate.Healthy);
        if (rest.Count > n - 1) throw new ArgumentOutOfRangeException(nameof(n), $"a demo fleet needs at least {rest.Count + 1} models");
        var r = new Random(seed);
        var shuffled = rest.ToArray();
        r.Shuffle(shuffled);
        // The live-silent model is the first Silent one after shuffling (see ServeDemo); fraud is always first.
        return [DemoFate.Degrading, .. shuffled];
    }

    /// <summary>The status a fate shows once the history is in (null: it alternates).</summary>
    public static string? Status(DemoFate fate) => fate switch
    {
        DemoFate.Healthy => "ok",
        DemoFate.Drifting => "warning",
        DemoFate.Degrading => "critical",
        DemoFate.Silent => "no_data",
        DemoFate.Flapping => null,
        DemoFate.SlowLatency => "warning",
        DemoFate.Errors => "critical",
        _ => null,
    };
}
