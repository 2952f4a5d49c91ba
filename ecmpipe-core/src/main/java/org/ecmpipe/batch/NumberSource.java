package org.ecmpipe.batch;

import java.util.List;
import org.ecmpipe.composite.Composite;

/**
 * The numbers of one batch, validated, in input order, each once.
 *
 * @param name where they came from, for logs and the journal (a file name, a lease id)
 */
public record NumberSource(String name, List<Composite> numbers) {
    public NumberSource {
        numbers = List.copyOf(numbers);
    }
}
