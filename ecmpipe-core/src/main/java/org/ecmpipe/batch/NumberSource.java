package org.ecmpipe.batch;

import java.util.List;
import java.util.stream.IntStream;
import org.ecmpipe.composite.Composite;

/**
 * The numbers of one batch, validated, in input order, each once.
 *
 * @param name where they came from, for logs and the journal (a file name, a lease id)
 * @param positions each number's 1-based position in the whole input (for "[3/100]" in logs)
 * @param total how many numbers the whole input has
 */
public record NumberSource(String name, List<Composite> numbers, List<Integer> positions, int total) {
    public NumberSource {
        numbers = List.copyOf(numbers);
        positions = List.copyOf(positions);
        if (positions.size() != numbers.size()) {
            throw new IllegalArgumentException("one position per number");
        }
    }

    /** A whole input: positions 1..n. */
    public NumberSource(String name, List<Composite> numbers) {
        this(name, numbers, IntStream.rangeClosed(1, numbers.size()).boxed().toList(), numbers.size());
    }

    int positionOf(int index) {
        return positions.get(index);
    }
}
