using System.CommandLine;
using System.IO.Hashing;
using System.Reflection;
using Vigil.Analysis.Results;
using Vigil.Analysis.Review;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil review --policy policy.yaml LOG</c>: a pre-deployment gate (docs/review.md).</summary>
internal static class ReviewCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var policy = new Option<string>("--policy", "-p") { Description = "The review policy (YAML): model metadata, column mapping, threshold and requirements; see docs/review.md.", Required = true };
        var card = new Option<string?>("--card") { Description = "Write the model card here (Markdown) and beside it the same name with .html (default: model-card.md beside --out, else in the current folder)." };
        var noCard = new Option<bool>("--no-card") { Description = "Write no model card." };
        var cmd = new Command("review",
            "A pre-deployment gate for CI/CD: check a scored, labeled log (the evaluation set) against a policy's requirements " +
            "(metrics overall and per segment, calibration error, drift against the training data, data-quality findings), print a " +
            "pass/fail table with each requirement's value, limit and evidence, and write a model card (Markdown and HTML, the " +
            "sections of Mitchell et al. 2019). Exit 0 when every requirement holds, 1 when any fails, 2 for a bad policy or input.\n\n" +
            "Examples:\n" +
            "  vigil review --policy policy.yaml holdout.parquet\n" +
            "  vigil review -p policy.yaml holdout.csv -o review.json        (approval record; model-card.md/.html beside it)\n" +
            "  vigil review -p policy.yaml holdout.csv --card cards/loan-3.2.md");
        cmd.Arguments.Add(common.Inputs);
        foreach (var o in new Option[] { policy, common.Table, common.Sql, common.MaxShippedRows, common.InputFormat, common.Config, common.Id, common.Timestamp, common.VersionColumn,
                     common.Score, common.Label, common.Format, common.Out, common.Quiet, card, noCard })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var pol = PolicyParser.Load(p.GetValue(policy)!);
            // Flags win over the policy's columns, which win over vigil.yaml (common.Mapping is flags over vigil.yaml).
            var fromFile = common.Mapping(p);
            var mapping = new Vigil.Analysis.Columns.MappingOptions
            {
                Id = p.GetValue(common.Id) ?? pol.Columns.Id ?? fromFile.Id,
                Timestamp = p.GetValue(common.Timestamp) ?? pol.Columns.Timestamp ?? fromFile.Timestamp,
                Version = p.GetValue(common.VersionColumn) ?? pol.Columns.Version ?? fromFile.Version,
                Score = p.GetValue(common.Score) ?? pol.Columns.Score ?? fromFile.Score,
                Label = p.GetValue(common.Label) ?? pol.Columns.Label ?? fromFile.Label,
                Prediction = pol.Columns.Prediction ?? fromFile.Prediction,
                Features = fromFile.Features,
            };
            var inputs = common.InputFiles(p).Append(pol.Path).ToList();
            var target = common.OutTarget(p, inputs);
            OutputTarget? cardMd = null, cardHtml = null;
            if (!p.GetValue(noCard))
            {
                var cardPath = p.GetValue(card) ?? Path.Combine(target is null ? "." : Path.GetDirectoryName(target.Path) ?? ".", "model-card.md");
                if (!cardPath.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                    throw new VigilInputException($"--card: '{cardPath}' should end in .md (the HTML twin gets .html)");
                cardMd = OutputTarget.Check(cardPath, inputs, "--card");
                cardHtml = OutputTarget.Check(Path.ChangeExtension(cardPath, ".html"), inputs, "--card");
                if (target is not null && (target.Path == cardMd.Path || target.Path == cardHtml.Path))
                    throw new VigilInputException($"--card: the model card would overwrite --out '{target.Given}'; choose another --card");
            }
            var spec = common.Source(p);
            using var source = SourceOpener.Open(spec);
            ReviewResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = ReviewAnalysis.Run(source, pol, mapping, pol.Threshold ?? 0.5, spec.Format, progress, spec.MaxShippedRows);
            result = result with
            {
                ModelCard = cardMd?.Given,
                Approval = new ReviewApproval(pol.Sha256, Fingerprint(spec, result), Environment.UserName, Environment.MachineName,
                    DateTime.UtcNow, typeof(ReviewCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"),
            };
            if (cardMd is not null && cardHtml is not null)
            {
                ReportOutput.Write(ReportFormat.Markdown, cardMd, (w, _) => w.Write(ModelCard.ToMarkdown(result)));
                ReportOutput.Write(ReportFormat.Html, cardHtml, (w, _) => w.Write(ModelCard.ToHtml(result)));
            }
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, ReviewReport.Verdict(result), p.GetValue(common.Quiet));
            return result.Passed ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>"xxhash64:…" of the input files' bytes (in order; a glob's files sorted), or of the source's
    /// description and row count for a table or query.</summary>
    internal static string Fingerprint(SourceSpec spec, ReviewResult r)
    {
        var h = new XxHash64();
        if (spec.Table is null && spec.Sql is null)
        {
            foreach (var input in spec.Inputs)
            {
                IEnumerable<string> files = File.Exists(input) ? [input]
                    : input.IndexOfAny(['*', '?']) >= 0 && Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(input)))
                        ? Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath(input))!, Path.GetFileName(input)).Order(StringComparer.Ordinal)
                        : [];
                foreach (var f in files)
                {
                    using var s = File.OpenRead(f);
                    h.Append(s);
                }
            }
            return "xxhash64:" + Convert.ToHexStringLower(h.GetCurrentHash());
        }
        h.Append(System.Text.Encoding.UTF8.GetBytes($"{r.Source.Description}\n{r.Rows}"));
        return "xxhash64:" + Convert.ToHexStringLower(h.GetCurrentHash()) + $" (table {r.Source.Description}, {r.Rows} rows)";
    }
}
