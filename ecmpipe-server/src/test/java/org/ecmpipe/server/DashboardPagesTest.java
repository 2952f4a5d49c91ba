package org.ecmpipe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ecmpipe.server.DashboardFixture.HOSTILE_CLIENT;
import static org.ecmpipe.server.DashboardFixture.HOSTILE_PROJECT;
import static org.ecmpipe.server.DashboardFixture.NOW_TEXT;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dashboard's HTML over real HTTP on H2 and PostgreSQL (what a browser cannot see: status codes, the raw markup):
 * filters, page links, P/C labels, "stage 1 only", UTC times, escaping, 400 and 404 pages.
 * {@link DashboardBrowserTest} drives the same pages in Chromium.
 */
class DashboardPagesTest extends OnEveryDatabase {

    private DashboardFixture fill(TestDatabases.Kind kind) throws Exception {
        s = new ServerHarness(kind, dir, ServerHarness.settings(), DashboardFixture.clock());
        return DashboardFixture.fill(s);
    }

    private String page(String path) throws Exception {
        HttpResponse<String> r = s.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        return r.body();
    }

    private static int rows(String html) {
        return (int) Pattern.compile("<tr data-id=").matcher(html).results().count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void overviewCountsEscapesAndStampsTimesInUtc(TestDatabases.Kind kind) throws Exception {
        fill(kind);
        String html = page("/");
        assertThat(html).contains("composites: <b>63</b>", "unfactored</a>: <b>61</b>", "fully factored</a>: <b>1</b>",
                "prime</a>: <b>1</b>", "active leases</a>: <b>1</b>");
        assertThat(html).doesNotContain("<script>", "<script>alert")
                .contains("&lt;script&gt;alert(&#39;p&#39;)&lt;/script&gt;&amp;co", "&lt;script&gt;alert(1)&lt;/script&gt;-box")
                .contains("<time datetime=\"" + NOW_TEXT + "\">" + NOW_TEXT + "</time>");
        assertThat(rows(html)).isEqualTo(DashboardPages.OVERVIEW_ROWS);
        assertThat(html).contains("id=\"factors\"", "id=\"leases\"", "id=\"hosts\"", "class=\"bar\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void filtersAndPagesAreHonoured(TestDatabases.Kind kind) throws Exception {
        DashboardFixture f = fill(kind);
        String first = page("/composites?project=bulk");
        assertThat(first).contains("60 composites in project <b>bulk</b>; page 1 of 2.");
        assertThat(rows(first)).isEqualTo(50);
        assertThat(first).contains("<a href=\"/composites?project=bulk&amp;page=2\" rel=\"next\"");
        String second = page("/composites?project=bulk&page=2");
        assertThat(rows(second)).isEqualTo(10);
        assertThat(second).contains("data-id=\"" + (f.stage1OnlyId + 59) + "\"").doesNotContain("data-id=\"" + f.stage1OnlyId + "\"");
        assertThat(page("/composites?project=bulk&page=2&size=20")).contains("page 2 of 3.");
        assertThat(page("/composites?project=bulk&page=999")).contains("There is no page 999; showing page 2.");
        assertThat(rows(page("/composites?project=bulk&status=fully_factored"))).isZero();
        assertThat(rows(page("/composites?status=composite"))).isEqualTo(50);
        assertThat(page("/composites?status=composite")).contains("61 composites with status <b>composite</b>");

        String prime = page("/composites?status=prime");
        assertThat(rows(prime)).isEqualTo(1);
        assertThat(prime).contains("data-id=\"" + f.primeId + "\"", "P19 " + DashboardFixture.PRIME, "class=\"status prime\">prime<")
                .doesNotContain("class=\"status fully_factored\"");
        String factored = page("/composites?status=fully_factored");
        assertThat(rows(factored)).isEqualTo(1);
        assertThat(factored).contains("data-id=\"" + f.fullyFactoredId + "\"", ">P40</span>", ">P12</span>").doesNotContain(">c40", ">C40");
        String hostile = page("/composites?project=" + URLEncoder.encode(HOSTILE_PROJECT, StandardCharsets.UTF_8));
        assertThat(rows(hostile)).isEqualTo(1);
        assertThat(hostile).contains(">C55</span>").doesNotContain("<script>");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void detailsShowWorkByB1FactorsAndStage1Only(TestDatabases.Kind kind) throws Exception {
        DashboardFixture f = fill(kind);
        String stage1 = page("/composites/" + f.stage1OnlyId);
        assertThat(stage1).contains("<td class=\"b2\">stage 1 only</td>").doesNotContain("<td class=\"b2\">default");
        assertThat(stage1).contains("<th>last work</th><td><time datetime=\"" + NOW_TEXT + "\">");
        assertThat(page("/composites?project=bulk")).contains("11000, stage 1 only: 24");

        String details = page("/composites/" + f.hostileId);
        assertThat(details).contains("<td class=\"b2\">1873422</td>", "ecm B1=11000 B2=1873422", "3:12345", ">P12</span>",
                "&lt;script&gt;alert(1)&lt;/script&gt;-box", "<time datetime=\"" + NOW_TEXT + "\">").doesNotContain("<script>");
        assertThat(details).containsPattern("<td>t\\d+\\.\\d\\d</td>");
        assertThat(page("/composites/" + f.primeId)).contains("The number is prime.");
        assertThat(page("/factors")).contains("2 factors, newest first; page 1 of 1.", ">P12</span>", "#2 (C52)", "#1 (C67)");
        assertThat(page("/factors?size=1&page=2")).contains("page 2 of 2.", "<a href=\"/factors?page=1&amp;size=1\" rel=\"prev\"");
        assertThat(page("/leases")).contains("1 active lease;", "&lt;script&gt;alert(1)&lt;/script&gt;-box").doesNotContain("<script>");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void badParametersAre400PagesAndUnknownCompositesAre404(TestDatabases.Kind kind) throws Exception {
        fill(kind);
        for (String bad : new String[] {"/composites?page=-1", "/composites?page=abc", "/composites?page=0",
                "/composites?page=99999999999999999999", "/composites?size=0", "/composites?size=1000", "/composites?status=bogus",
                "/leases?page=x", "/factors?size=-1", "/composites/1?page=-3"}) {
            HttpResponse<String> r = s.get(bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(bad).startsWith("text/html");
            assertThat(r.body()).as(bad).containsPattern("(page|size|status) must be");
        }
        HttpResponse<String> script = s.get("/composites?status=%3Cscript%3E");
        assertThat(script.statusCode()).isEqualTo(400);
        assertThat(script.body()).doesNotContain("<script>");
        for (String unknown : new String[] {"/composites/999999", "/composites/abc", "/composites/99999999999999999999999"}) {
            HttpResponse<String> r = s.get(unknown);
            assertThat(r.statusCode()).as(unknown).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(unknown).startsWith("text/html");
            assertThat(r.body()).as(unknown).contains("There is no composite");
        }
        s.assertError(s.get("/api/v1/nothing-here"), 404, null);
    }
}
