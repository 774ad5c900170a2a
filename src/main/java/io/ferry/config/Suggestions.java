package io.ferry.config;

import java.util.Collection;

/** Finds the known word closest to a misspelt one, for "did you mean" hints. */
final class Suggestions {

    private Suggestions() {
    }

    /** Words longer than this are not typos of a keyword or name; they get no suggestion. */
    static final int MAX_WORD = 64;

    /**
     * The candidate with the smallest edit distance, if it is close enough to be a likely typo
     * (at most a third of the word's letters, and at least 2); else null. The first of equally
     * close candidates wins. Bounded work: words and candidates longer than {@link #MAX_WORD}
     * are not compared.
     */
    static String closest(String word, Collection<String> candidates) {
        if (word.length() > MAX_WORD) {
            return null;
        }
        int allowed = Math.max(2, word.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.length() > MAX_WORD || Math.abs(c.length() - word.length()) > allowed) {
                continue; // the distance is at least the difference in length
            }
            int d = distance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= allowed ? best : null;
    }

    /** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters costs one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
