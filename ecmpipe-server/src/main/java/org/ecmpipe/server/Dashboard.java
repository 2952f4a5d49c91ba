package org.ecmpipe.server;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ecmpipe.server.DashboardQueries.CompositeList;
import org.ecmpipe.server.DashboardQueries.CompositeRow;
import org.ecmpipe.server.DashboardQueries.FactorRow;
import org.ecmpipe.server.DashboardQueries.Filter;
import org.ecmpipe.server.DashboardQueries.HostRow;
import org.ecmpipe.server.DashboardQueries.LeaseRow;
import org.ecmpipe.server.DashboardQueries.Paged;
import org.ecmpipe.server.DashboardQueries.WorkGroup;

/**
 * The dashboard's HTML, server-rendered without scripts: every value that came from a client or an admin (project,
 * client id, sigma, messages) goes through {@link #esc}, and every link's query through {@link #query}. Times are
 * UTC in ISO-8601. Sizes follow the factoring convention: P45 a 45-digit prime, C45 a composite, c45? a number whose
 * primality is not known.
 */
final class Dashboard {
    private Dashboard() {
    }

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 1.5em 2em; }
            nav.top a { margin-right: 1.2em; } nav.top { margin-bottom: 1em; }
            table { border-collapse: collapse; margin-bottom: 1em; } td, th { border: 1px solid #ccc; padding: 3px 7px; vertical-align: top; }
            th { background: #eee; text-align: left; } .num { font-family: monospace; word-break: break-all; max-width: 48em; }
            .fully_factored, .prime { color: #070; } .composite { color: #a50; }
            .bar { width: 10em; height: 0.9em; background: #eee; border: 1px solid #aaa; }
            .bar > div { height: 100%; background: #c33; } .bar > div.half { background: #e90; } .bar > div.done { background: #3a3; }
            .counts span { margin-right: 1.5em; } .pages a, .pages span { margin-right: 0.5em; } .pages .current { font-weight: bold; }
            .notice { background: #ffd; border: 1px solid #cc9; padding: 4px 8px; } small { color: #555; }
            """;

    /** The page frame: title, style, navigation. */
    private static StringBuilder open(String title) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append(" - ecmpipe</title>\n<style>\n").append(STYLE).append("</style></head><body>\n")
                .append("<nav class=\"top\"><a href=\"/\">Overview</a><a href=\"/composites\">Composites</a>")
                .append("<a href=\"/factors\">Factors</a><a href=\"/leases\">Leases and hosts</a></nav>\n<h1>").append(esc(title)).append("</h1>\n");
        return html;
    }

    private static String close(StringBuilder html) {
        return html.append("</body></html>\n").toString();
    }

    static String overview(DashboardQueries.Overview o, OffsetDateTime now) {
        StringBuilder html = open("ecmpipe results");
        var c = o.counts();
        html.append("<p class=\"counts\" id=\"counts\"><span>composites: <b>").append(c.composites()).append("</b></span><span>")
                .append("<a href=\"/composites?status=composite\">unfactored</a>: <b>").append(c.unfactored()).append("</b></span><span>")
                .append("<a href=\"/composites?status=fully_factored\">fully factored</a>: <b>").append(c.fullyFactored()).append("</b></span><span>")
                .append("<a href=\"/composites?status=prime\">prime</a>: <b>").append(c.primes()).append("</b></span><span>attempts: <b>")
                .append(c.attempts()).append("</b></span><span>factors: <b>").append(c.factors()).append("</b></span><span>")
                .append("<a href=\"/leases\">active leases</a>: <b>").append(c.activeLeases()).append("</b></span></p>\n");
        html.append("<p><small>as of <time datetime=\"").append(iso(now)).append("\">").append(iso(now)).append("</time></small></p>\n");
        html.append("<h2>Unfactored composites</h2>\n");
        compositeTable(html, o.unfactored());
        if (o.unfactored().page().total() > o.unfactored().page().rows().size()) {
            html.append("<p><a href=\"/composites?status=composite\">all ").append(o.unfactored().page().total())
                    .append(" unfactored composites</a></p>\n");
        }
        html.append("<h2>Recent factors</h2>\n");
        factorTable(html, o.recentFactors(), o.factorDigits());
        if (o.counts().factors() > o.recentFactors().size()) {
            html.append("<p><a href=\"/factors\">all ").append(o.counts().factors()).append(" factors</a></p>\n");
        }
        html.append("<h2>Active leases</h2>\n");
        leaseTable(html, o.leases().rows());
        if (o.leases().total() > o.leases().rows().size()) {
            html.append("<p><a href=\"/leases\">all ").append(o.leases().total()).append(" active leases</a></p>\n");
        }
        html.append("<h2>Hosts</h2>\n");
        hostTable(html, o.hosts());
        return close(html);
    }

    static String composites(CompositeList list, Filter filter, int requestedPage) {
        StringBuilder html = open("Composites");
        html.append("<form method=\"get\" action=\"/composites\" id=\"filters\">project <input name=\"project\" value=\"")
                .append(filter.project() == null ? "" : esc(filter.project())).append("\"> status <select name=\"status\">")
                .append("<option value=\"\">any</option>");
        for (String s : Filter.STATUSES) {
            html.append("<option value=\"").append(s).append('"').append(s.equals(filter.status()) ? " selected" : "").append('>')
                    .append(s.replace('_', ' ')).append("</option>");
        }
        html.append("</select> <button type=\"submit\">show</button></form>\n");
        Paged<CompositeRow> page = list.page();
        html.append("<p id=\"summary\">").append(count(page.total(), "composite"));
        if (filter.project() != null) {
            html.append(" in project <b>").append(esc(filter.project())).append("</b>");
        }
        if (filter.status() != null) {
            html.append(" with status <b>").append(filter.status().replace('_', ' ')).append("</b>");
        }
        html.append("; page ").append(page.page()).append(" of ").append(page.lastPage()).append(".</p>\n");
        if (requestedPage != page.page()) {
            html.append("<p class=\"notice\">There is no page ").append(requestedPage).append("; showing page ").append(page.page())
                    .append(".</p>\n");
        }
        pages(html, "/composites", filter, page);
        compositeTable(html, list);
        pages(html, "/composites", filter, page);
        return close(html);
    }

    private static void compositeTable(StringBuilder html, CompositeList list) {
        html.append("<table id=\"composites\"><tr><th>id</th><th>number</th><th>project</th><th>status</th><th>t-level / target</th>")
                .append("<th>factors</th><th>cofactor</th><th>work (B1, B2: curves)</th><th>last work</th></tr>\n");
        for (CompositeRow c : list.page().rows()) {
            List<FactorRow> factors = list.factors().getOrDefault(c.id(), List.of());
            html.append("<tr data-id=\"").append(c.id()).append("\"><td><a class=\"details\" href=\"/composites/").append(c.id())
                    .append("\">").append(c.id()).append("</a></td><td class=\"num\" title=\"").append(c.digits()).append(" digits\">")
                    .append(numberLabel(c)).append(' ').append(abbreviate(c.number())).append("</td><td class=\"project\">")
                    .append(c.project() == null ? "" : esc(c.project())).append("</td>");
            status(html, c);
            html.append("<td>").append(progress(c)).append("</td><td class=\"factors\">");
            html.append(factors.isEmpty() ? "-" : String.join(" ", factors.stream().map(f -> label(f.factor(), f.prime())).toList()));
            html.append("</td><td class=\"cofactor\">").append(cofactor(c)).append("</td><td class=\"work\">")
                    .append(workSummary(list.work().getOrDefault(c.id(), List.of()))).append("</td><td>")
                    .append(time(lastWork(list.work().getOrDefault(c.id(), List.of())))).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    /** When the latest attempt on a composite was stored; null when none was. */
    static OffsetDateTime lastWork(List<WorkGroup> groups) {
        return groups.stream().map(WorkGroup::last).filter(java.util.Objects::nonNull).max(OffsetDateTime::compareTo).orElse(null);
    }

    private static void status(StringBuilder html, CompositeRow c) {
        String status = c.prime() ? "prime" : c.status();
        html.append("<td class=\"status ").append(esc(status)).append("\">").append(esc(status.replace('_', ' '))).append("</td>");
    }

    /** The number's size: P for a prime number, C for one the server split or found composite. */
    static String numberLabel(CompositeRow c) {
        return (c.prime() ? "P" : "C") + c.digits();
    }

    /** The cofactor left: 1, P45 (prime), C45 (composite), c45? (primality not known); - for a prime number. */
    static String cofactor(CompositeRow c) {
        if (c.prime()) {
            return "-";
        }
        if (c.cofactor().equals("1")) {
            return "1";
        }
        Boolean prime = c.fullyFactored() ? Boolean.TRUE : c.cofactorPrime();
        return label(c.cofactor(), prime) + (c.cofactor().equals(c.number()) ? " <small>(the number)</small>" : "");
    }

    /** P/C/c? and the digit count, the number itself in the tooltip when short enough. */
    static String label(String number, Boolean prime) {
        String size = (prime == null ? "c" : prime ? "P" : "C") + number.length() + (prime == null ? "?" : "");
        String title = prime == null ? "primality not known" : number.length() <= 120 ? number : number.length() + " digits";
        return "<span class=\"size\" title=\"" + esc(title) + "\">" + size + "</span>";
    }

    /** A long number as its first 20 and last 10 digits, escaped (numbers are digits, but nothing is trusted). */
    static String abbreviate(String number) {
        return esc(number.length() <= 40 ? number : number.substring(0, 20) + "…" + number.substring(number.length() - 10));
    }

    /**
     * One line per kind of work: the curves that ran stage 2 at their B2 (ecm's default written {@code default}), and
     * those that ran stage 1 only (B2 = 0, or stage 2 never reported).
     */
    static String workSummary(List<WorkGroup> groups) {
        if (groups.isEmpty()) {
            return "-";
        }
        List<String> lines = new ArrayList<>();
        for (WorkGroup g : groups) {
            String prefix = ("ecm".equals(g.method()) ? "" : esc(g.method()) + " ") + g.b1();
            long stage2 = Math.min(g.stage2(), g.stage1());
            if (!"ecm".equals(g.method())) {
                lines.add(prefix + (g.b2() == null ? "" : ", " + g.b2()) + ": " + g.stage1());
                continue;
            }
            if (stage2 > 0) {
                lines.add(prefix + ", " + (g.b2Default() || g.b2() == null ? "default" : g.b2().toString()) + ": " + stage2);
            }
            if (g.stage1() - stage2 > 0) {
                lines.add(prefix + ", stage 1 only: " + (g.stage1() - stage2));
            }
        }
        return String.join("<br>", lines);
    }

    private static void factorTable(StringBuilder html, List<FactorRow> factors, Map<Long, Integer> digits) {
        if (factors.isEmpty()) {
            html.append("<p>No factors yet.</p>\n");
            return;
        }
        html.append("<table id=\"factors\"><tr><th>factor</th><th>size</th><th>composite</th><th>found</th><th>by</th><th>method</th>")
                .append("<th>sigma</th></tr>\n");
        for (FactorRow f : factors) {
            html.append("<tr><td class=\"num\">").append(abbreviate(f.factor())).append("</td><td>").append(label(f.factor(), f.prime()))
                    .append("</td><td><a href=\"/composites/").append(f.compositeId()).append("\">#").append(f.compositeId());
            Integer d = digits == null ? null : digits.get(f.compositeId());
            if (d != null) {
                html.append(" (C").append(d).append(')');
            }
            html.append("</a></td><td>").append(time(f.foundAt())).append("</td><td class=\"client\">")
                    .append(f.clientId() == null ? "-" : esc(f.clientId())).append("</td><td>").append(method(f))
                    .append("</td><td>").append(f.sigma() == null ? "-" : esc(f.sigma())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String method(FactorRow f) {
        if (f.method() == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(esc(f.method()));
        if (f.b1() != null) {
            s.append(" B1=").append(f.b1());
        }
        if (f.b2() != null) {
            s.append(f.b2().signum() == 0 ? " (stage 1)" : " B2=" + f.b2());
        }
        return s.toString();
    }

    private static void leaseTable(StringBuilder html, List<LeaseRow> leases) {
        if (leases.isEmpty()) {
            html.append("<p>No active leases.</p>\n");
            return;
        }
        html.append("<table id=\"leases\"><tr><th>lease</th><th>composite</th><th>client</th><th>B1</th><th>curves done / leased</th>")
                .append("<th>param</th><th>leased</th><th>last heartbeat</th><th>expires</th></tr>\n");
        for (LeaseRow l : leases) {
            html.append("<tr><td class=\"num\" title=\"").append(esc(l.id())).append("\">").append(esc(l.id().substring(0, Math.min(8, l.id().length()))))
                    .append("</td><td><a href=\"/composites/").append(l.compositeId()).append("\">#").append(l.compositeId())
                    .append(" (C").append(l.digits()).append(")</a></td><td class=\"client\">").append(esc(l.clientId())).append("</td><td>")
                    .append(l.b1()).append("</td><td>").append(l.curvesCompleted()).append(" / ").append(l.curves()).append("</td><td>")
                    .append(l.param()).append("</td><td>").append(time(l.leasedAt())).append("</td><td>").append(time(l.lastProgressAt()))
                    .append("</td><td>").append(time(l.expiresAt())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void hostTable(StringBuilder html, List<HostRow> hosts) {
        if (hosts.isEmpty()) {
            html.append("<p>No host holds a lease or submitted work in the last 24 hours.</p>\n");
            return;
        }
        html.append("<table id=\"hosts\"><tr><th>client</th><th>active leases</th><th>curves leased</th><th>attempts (24 h)</th>")
                .append("<th>curves (24 h)</th><th>last seen</th></tr>\n");
        for (HostRow h : hosts) {
            html.append("<tr><td class=\"client\">").append(esc(h.clientId())).append("</td><td>").append(h.activeLeases()).append("</td><td>")
                    .append(h.leasedCurves()).append("</td><td>").append(h.attemptsToday()).append("</td><td>").append(h.curvesToday())
                    .append("</td><td>").append(time(h.lastSeen())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    static String factors(DashboardQueries.FactorsPage p, int requestedPage) {
        StringBuilder html = open("Factors");
        html.append("<p id=\"summary\">").append(count(p.factors().total(), "factor")).append(", newest first; page ").append(p.factors().page())
                .append(" of ").append(p.factors().lastPage()).append(".</p>\n");
        if (requestedPage != p.factors().page()) {
            html.append("<p class=\"notice\">There is no page ").append(requestedPage).append("; showing page ").append(p.factors().page())
                    .append(".</p>\n");
        }
        pages(html, "/factors", new Filter(null, null), p.factors());
        factorTable(html, p.factors().rows(), p.digits());
        return close(html);
    }

    static String leases(DashboardQueries.LeasesPage p, int requestedPage) {
        StringBuilder html = open("Leases and hosts");
        html.append("<p id=\"summary\">").append(count(p.leases().total(), "active lease")).append("; page ").append(p.leases().page())
                .append(" of ").append(p.leases().lastPage()).append(".</p>\n");
        if (requestedPage != p.leases().page()) {
            html.append("<p class=\"notice\">There is no page ").append(requestedPage).append("; showing page ").append(p.leases().page())
                    .append(".</p>\n");
        }
        pages(html, "/leases", new Filter(null, null), p.leases());
        leaseTable(html, p.leases().rows());
        html.append("<h2>Hosts</h2>\n");
        hostTable(html, p.hosts());
        return close(html);
    }

    /** One row of a composite's work: a kind of curves, and the t-level that work alone gives (null: not ECM's model). */
    record WorkRow(String method, String b1, String b2, String param, long attempts, long curves, Double tLevel, OffsetDateTime last) {
    }

    static String details(DashboardQueries.Details d, List<WorkRow> work, int requestedPage) {
        CompositeRow c = d.composite();
        StringBuilder html = open("Composite #" + c.id());
        html.append("<table id=\"composite\">");
        row(html, "number", "<span class=\"num\">" + esc(c.number()) + "</span> <small>(" + numberLabel(c) + ")</small>");
        row(html, "project", c.project() == null ? "-" : esc(c.project()));
        html.append("<tr><th>status</th>");
        status(html, c);
        html.append("</tr>");
        row(html, "cofactor", cofactor(c) + (c.cofactor().length() > 1 && !c.prime() && !c.cofactor().equals(c.number())
                ? " <span class=\"num\">" + esc(c.cofactor()) + "</span>" : ""));
        row(html, "t-level / target", progress(c));
        row(html, "priority", Integer.toString(c.priority()));
        row(html, "added", time(c.createdAt()));
        row(html, "last work", time(lastWork(d.work())));
        html.append("</table>\n<h2>Factors</h2>\n");
        if (d.factors().isEmpty()) {
            html.append("<p>").append(c.prime() ? "The number is prime." : "No factors yet.").append("</p>\n");
        } else {
            html.append("<table id=\"factors\"><tr><th>factor</th><th>size</th><th>found</th><th>by</th><th>method</th><th>sigma</th></tr>\n");
            for (FactorRow f : d.factors()) {
                html.append("<tr><td class=\"num\">").append(esc(f.factor())).append("</td><td>").append(label(f.factor(), f.prime()))
                        .append("</td><td>").append(time(f.foundAt())).append("</td><td class=\"client\">")
                        .append(f.clientId() == null ? "-" : esc(f.clientId())).append("</td><td>").append(method(f)).append("</td><td>")
                        .append(f.sigma() == null ? "-" : esc(f.sigma())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        html.append("<h2>Work by B1</h2>\n");
        if (work.isEmpty()) {
            html.append("<p>No work reported.</p>\n");
        } else {
            html.append("<table id=\"work\"><tr><th>method</th><th>B1</th><th>B2</th><th>param</th><th>attempts</th><th>curves</th>")
                    .append("<th>t-level of this work alone</th><th>last</th></tr>\n");
            for (WorkRow w : work) {
                html.append("<tr><td>").append(esc(w.method())).append("</td><td>").append(w.b1()).append("</td><td class=\"b2\">")
                        .append(w.b2()).append("</td><td>").append(w.param()).append("</td><td>").append(w.attempts()).append("</td><td>")
                        .append(w.curves()).append("</td><td>")
                        .append(w.tLevel() == null ? "-" : String.format(Locale.ROOT, "t%.2f", w.tLevel())).append("</td><td>")
                        .append(time(w.last())).append("</td></tr>\n");
            }
            html.append("</table>\n<p><small>The composite's t-level counts all this work together (GMP-ECM's model), not the sum of the lines.</small></p>\n");
        }
        html.append("<h2>Active leases</h2>\n");
        leaseTable(html, d.leases());
        html.append("<h2>Stage-1 residues waiting for stage 2</h2>\n");
        if (d.residues().isEmpty()) {
            html.append("<p>None.</p>\n");
        } else {
            html.append("<table id=\"residues\"><tr><th>residue</th><th>uploaded by</th><th>B1</th><th>param</th><th>curves</th>")
                    .append("<th>status</th><th>claimed by</th><th>claim expires</th><th>expires</th></tr>\n");
            for (var r : d.residues()) {
                html.append("<tr><td>").append(r.id()).append("</td><td class=\"client\">").append(esc(r.clientId())).append("</td><td>")
                        .append(r.b1()).append("</td><td>").append(r.param()).append("</td><td>").append(r.curves()).append("</td><td>")
                        .append(esc(r.status())).append("</td><td class=\"client\">").append(r.claimedBy() == null ? "-" : esc(r.claimedBy()))
                        .append("</td><td>").append(time(r.claimExpiresAt())).append("</td><td>").append(time(r.expiresAt()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        Paged<DashboardQueries.AttemptRow> attempts = d.attempts();
        html.append("<h2>Attempts</h2>\n<p>").append(count(attempts.total(), "attempt")).append(", newest first; page ").append(attempts.page())
                .append(" of ").append(attempts.lastPage()).append(".</p>\n");
        if (requestedPage != attempts.page()) {
            html.append("<p class=\"notice\">There is no page ").append(requestedPage).append("; showing page ").append(attempts.page())
                    .append(".</p>\n");
        }
        pages(html, "/composites/" + c.id(), new Filter(null, null), attempts);
        if (!attempts.rows().isEmpty()) {
            html.append("<table id=\"attempts\"><tr><th>attempt</th><th>client</th><th>method</th><th>B1</th><th>B2</th><th>param</th>")
                    .append("<th>curves</th><th>seconds</th><th>submitted</th></tr>\n");
            for (var a : attempts.rows()) {
                html.append("<tr><td>").append(a.id()).append("</td><td class=\"client\">").append(esc(a.clientId())).append("</td><td>")
                        .append(esc(a.method())).append("</td><td>").append(a.b1()).append("</td><td>")
                        .append(a.b2() == null ? "default" : a.b2().signum() == 0 ? "stage 1 only" : a.b2().toString()).append("</td><td>")
                        .append(a.param() == null ? "-" : a.param().toString()).append("</td><td>").append(a.curvesCompleted()).append("</td><td>")
                        .append(a.seconds() == null ? "-" : String.format(Locale.ROOT, "%.1f", a.seconds())).append("</td><td>")
                        .append(time(a.createdAt())).append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        return close(html);
    }

    /** "1 factor", "2 factors". */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static void row(StringBuilder html, String name, String valueHtml) {
        html.append("<tr><th>").append(name).append("</th><td>").append(valueHtml).append("</td></tr>");
    }

    static String error(int status, String message) {
        StringBuilder html = open(status == 404 ? "Not found" : "Bad request");
        html.append("<p class=\"error\">").append(esc(message)).append("</p>\n<p><a href=\"/\">back to the overview</a></p>\n");
        return close(html);
    }

    /** Page links: first, previous, a window of numbers around the current page, next, last; the filter kept. */
    private static void pages(StringBuilder html, String path, Filter filter, Paged<?> page) {
        int last = page.lastPage();
        if (last <= 1) {
            return;
        }
        int current = page.page();
        html.append("<nav class=\"pages\">");
        if (current > 1) {
            link(html, path, filter, page, 1, "« first", "first");
            link(html, path, filter, page, current - 1, "‹ previous", "prev");
        }
        for (int p = Math.max(1, current - 3); p <= Math.min(last, current + 3); p++) {
            if (p == current) {
                html.append("<span class=\"current\">").append(p).append("</span>");
            } else {
                link(html, path, filter, page, p, Integer.toString(p), null);
            }
        }
        if (current < last) {
            link(html, path, filter, page, current + 1, "next ›", "next");
            link(html, path, filter, page, last, "last »", "last");
        }
        html.append("</nav>\n");
    }

    private static void link(StringBuilder html, String path, Filter filter, Paged<?> page, int to, String text, String rel) {
        html.append("<a href=\"").append(esc(path + query(filter, to, page.size()))).append('"');
        if (rel != null) {
            html.append(" rel=\"").append(rel).append("\" class=\"").append(rel).append('"');
        }
        html.append('>').append(text).append("</a>");
    }

    /** The query string of a page link, each value URL-encoded (the caller HTML-escapes the whole link). */
    static String query(Filter filter, int page, int size) {
        List<String> parts = new ArrayList<>();
        if (filter.project() != null) {
            parts.add("project=" + URLEncoder.encode(filter.project(), StandardCharsets.UTF_8));
        }
        if (filter.status() != null) {
            parts.add("status=" + URLEncoder.encode(filter.status(), StandardCharsets.UTF_8));
        }
        parts.add("page=" + page);
        if (size != DashboardPages.DEFAULT_SIZE) {
            parts.add("size=" + size);
        }
        return "?" + String.join("&", parts);
    }

    /** A t-level bar: red below half the target, orange from half, green at the target (as ecm-wrapper colours it). */
    static String progress(CompositeRow c) {
        if (c.fullyFactored()) {
            return "<small>done</small>";
        }
        double ratio = c.target() > 0 ? Math.min(1, c.tLevel() / c.target()) : 1;
        String cls = ratio >= 1 ? "done" : ratio >= 0.5 ? "half" : "low";
        String text = String.format(Locale.ROOT, "t%.2f / t%.1f", c.tLevel(), c.target());
        return "<div class=\"bar\" title=\"" + text + "\" data-ratio=\"" + String.format(Locale.ROOT, "%.3f", ratio) + "\"><div class=\""
                + cls + "\" style=\"width: " + String.format(Locale.ROOT, "%.1f", 100 * ratio) + "%\"></div></div><small>" + text
                + (c.targetSet() ? "" : " (default target)") + "</small>";
    }

    /** UTC, ISO-8601, to the second, in a {@code <time>} element; - for none. */
    static String time(OffsetDateTime t) {
        if (t == null) {
            return "-";
        }
        String iso = iso(t);
        return "<time datetime=\"" + iso + "\">" + iso + "</time>";
    }

    static String iso(OffsetDateTime t) {
        return t.toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
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
