package org.ecmpipe.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * One {@code POST /api/v1/submit_result} body: the ECM work done on one number and the factors it found, in the
 * ecm-wrapper coordination API's format plus ecmpipe's {@code submission_id}. The client writes it with
 * {@link SubmissionFormat#toJson}, the server reads it with {@link SubmissionFormat#read}; both use this one type.
 *
 * @param submissionId chosen by the client so that a resend is recognised (null for ecm-wrapper clients)
 * @param composite the number worked on (written as a decimal string)
 * @param project free text grouping numbers, or null
 * @param clientId who did the work ({@code user-host})
 * @param method ecm, pm1, pp1, qs or nfs
 * @param program e.g. gmp-ecm
 * @param programVersion e.g. 7.0.5, or null
 */
@JsonPropertyOrder({"submission_id", "composite", "project", "client_id", "method", "program", "program_version",
        "parameters", "results", "raw_output"})
public record Submission(
        @JsonProperty("submission_id") String submissionId,
        @JsonProperty("composite") @JsonSerialize(using = ToStringSerializer.class) BigInteger composite,
        @JsonProperty("project") String project,
        @JsonProperty("client_id") String clientId,
        @JsonProperty("method") String method,
        @JsonProperty("program") String program,
        @JsonProperty("program_version") String programVersion,
        @JsonProperty("parameters") Parameters parameters,
        @JsonProperty("results") Results results,
        @JsonProperty("raw_output") String rawOutput) {

    public Submission {
        Objects.requireNonNull(composite, "composite");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(results, "results");
    }

    /**
     * @param b1 stage-1 bound
     * @param b2 stage-2 bound; null = GMP-ECM's default, 0 = stage 1 only
     * @param curves curves requested, or null
     * @param parametrization 0-3, or null (then taken from the sigma's prefix)
     * @param sigma the curve, {@code "3:12345"} or {@code "12345"}, or null
     */
    @JsonPropertyOrder({"b1", "b2", "curves", "parametrization", "sigma"})
    public record Parameters(
            @JsonProperty("b1") BigInteger b1,
            @JsonProperty("b2") BigInteger b2,
            @JsonProperty("curves") Integer curves,
            @JsonProperty("parametrization") Integer parametrization,
            @JsonProperty("sigma") String sigma) {
        public Parameters {
            Objects.requireNonNull(b1, "b1");
        }
    }

    /**
     * @param curvesCompleted curves really run (for a stage-2 result: curves whose stage 2 finished)
     * @param executionTime seconds, or null
     * @param factorFound the first factor (ecm-wrapper's legacy field), or null
     * @param factorsFound every factor found, each with its curve
     */
    @JsonPropertyOrder({"factor_found", "factors_found", "curves_completed", "execution_time"})
    public record Results(
            @JsonProperty("curves_completed") int curvesCompleted,
            @JsonProperty("execution_time") Double executionTime,
            @JsonProperty("factor_found") @JsonSerialize(using = ToStringSerializer.class) BigInteger factorFound,
            @JsonProperty("factors_found") List<FoundFactor> factorsFound) {
        public Results {
            factorsFound = factorsFound == null ? List.of() : List.copyOf(factorsFound);
        }
    }

    /** A factor with the curve that found it (sigma null when unknown). */
    @JsonPropertyOrder({"factor", "sigma"})
    public record FoundFactor(
            @JsonProperty("factor") @JsonSerialize(using = ToStringSerializer.class) BigInteger factor,
            @JsonProperty("sigma") String sigma) {
        public FoundFactor {
            Objects.requireNonNull(factor, "factor");
        }
    }

    /** The factors as given: {@code factors_found}, or the legacy single {@code factor_found} when that list is empty. */
    public List<FoundFactor> factors() {
        if (!results.factorsFound().isEmpty() || results.factorFound() == null) {
            return results.factorsFound();
        }
        return List.of(new FoundFactor(results.factorFound(), parameters.sigma()));
    }
}
