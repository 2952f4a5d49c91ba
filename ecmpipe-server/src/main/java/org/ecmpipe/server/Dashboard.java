package org.ecmpipe.server;

import java.util.List;
import java.util.stream.Collectors;

/** The HTML dashboard at {@code /}: one page of composites with their factors and ECM effort; every value escaped. */
final class Dashboard {
    private Dashboard() {
    }

    static String render(ResultStore.Page page) {
        List<ResultStore.CompositeView> composites = page.composites();
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>ecmpipe results</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 2em; }
                table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; }
                th { background: #eee; } .num { font-family: monospace; word-break: break-all; max-width: 40em; }
                .fully_factored { color: #070; } .composite { color: #a50; }
                .bar { width: 10em; height: 0.9em; background: #eee; border: 1px solid #aaa; }
                .bar > div { height: 100%; background: #c33; } .bar > div.half { background: #e90; } .bar > div.done { background: #3a3; }
                </style></head><body>
                <h1>ecmpipe results</h1>
                """);
        html.append("<p>").append(page.total()).append(" composites; showing ").append(composites.isEmpty() ? 0 : page.offset() + 1)
                .append("-").append(page.offset() + composites.size()).append(".");
        if (page.offset() > 0) {
            html.append(" <a href=\"/?offset=").append(Math.max(0, page.offset() - page.limit())).append("&amp;limit=")
                    .append(page.limit()).append("\">previous</a>");
        }
        if (page.offset() + composites.size() < page.total()) {
            html.append(" <a href=\"/?offset=").append(page.offset() + composites.size()).append("&amp;limit=")
                    .append(page.limit()).append("\">next</a>");
        }
        html.append("</p>\n");
        html.append("<table><tr><th>composite</th><th>digits</th><th>project</th><th>status</th><th>t-level / target</th><th>factors</th>"
                + "<th>ECM effort (B1, B2: curves)</th><th>attempts</th><th>cofactor</th></tr>\n");
        for (ResultStore.CompositeView c : composites) {
            String factors = c.factors().isEmpty() ? "-" : c.factors().stream()
                    .map(f -> esc(f.factor()) + (f.prime() == null ? " (primality unknown)" : f.prime() ? "" : " (composite)") + (f.sigma() == null ? "" : " <small>σ " + esc(f.sigma()) + "</small>"))
                    .collect(Collectors.joining("<br>"));
            String effort = c.curvesByB1().isEmpty() ? "-" : c.curvesByB1().stream()
                    .map(e -> esc(e.b1().toString()) + ", " + (e.b2() == null ? "default" : esc(e.b2().toString())) + ": " + e.curves())
                    .collect(Collectors.joining("<br>"));
            html.append("<tr><td class=\"num\">").append(esc(c.composite())).append("</td><td>").append(c.digits())
                    .append("</td><td>").append(c.project() == null ? "" : esc(c.project()))
                    .append("</td><td class=\"").append(esc(c.status())).append("\">").append(esc(c.status()))
                    .append("</td><td>").append(progress(c.queue()))
                    .append("</td><td class=\"num\">").append(factors).append("</td><td>").append(effort)
                    .append("</td><td>").append(c.attemptCount()).append("</td><td class=\"num\">")
                    .append(c.cofactor().length() > 40 ? "c" + c.cofactor().length() : esc(c.cofactor())).append("</td></tr>\n");
        }
        return html.append("</table></body></html>\n").toString();
    }

    /** A t-level bar: red below half the target, orange from half, green at the target (as ecm-wrapper colours it). */
    static String progress(ResultStore.QueueView q) {
        double ratio = q.targetTLevel() > 0 ? Math.min(1, q.tLevel() / q.targetTLevel()) : 1;
        String cls = ratio >= 1 ? "done" : ratio >= 0.5 ? "half" : "low";
        String text = String.format(java.util.Locale.ROOT, "t%.2f / t%.1f", q.tLevel(), q.targetTLevel());
        return "<div class=\"bar\" title=\"" + text + "\"><div class=\"" + cls + "\" style=\"width: "
                + String.format(java.util.Locale.ROOT, "%.1f", 100 * ratio) + "%\"></div></div><small>" + text
                + (q.targetSet() ? "" : " (default)") + "</small>";
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
