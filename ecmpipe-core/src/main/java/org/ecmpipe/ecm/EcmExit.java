package org.ecmpipe.ecm;

/**
 * GMP-ECM's exit code. Bits: 1 error, 2 proper factor, 4 factor is prime, 8 cofactor is prime or 1; 143 means
 * a run with {@code -save} caught SIGINT/SIGTERM and saved. It describes only the last factor event of a run,
 * so callers parse stdout for what was found and use this for errors.
 */
public record EcmExit(int code) {

    public static final int INTERRUPTED = 143;

    public boolean isError() {
        return code == 1 || (code != INTERRUPTED && code > 15) || code < 0;
    }

    public boolean isInterrupted() {
        return code == INTERRUPTED;
    }

    public boolean factorFound() {
        return !isError() && !isInterrupted() && (code & 2) != 0;
    }

    /** The whole input was returned as the "factor" (code 8). */
    public boolean inputNumberFound() {
        return code == 8;
    }

    public String describe() {
        return switch (code) {
            case 0 -> "no factor found";
            case 1 -> "error";
            case 2 -> "composite factor, composite cofactor";
            case 6 -> "prime factor, composite cofactor";
            case 8 -> "input number found";
            case 10 -> "composite factor, prime cofactor";
            case 14 -> "prime factor, prime cofactor";
            case INTERRUPTED -> "interrupted (SIGINT/SIGTERM) after saving, or killed by SIGTERM";
            default -> code > 128 ? "killed by signal " + (code - 128) : "unexpected exit code " + code;
        };
    }
}
