//! Closest names to a misspelt one, for "did you mean" hints (currency codes, time zones).

/// Levenshtein distance between `a` and `b`, in characters, case-insensitive.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Up to `n` of `names` closest to `written`, nearest first (ties in the order given), at
/// most a third of `written`'s length (and at least 2) edits away.
pub fn closest<'a>(written: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let limit = (written.chars().count() / 3).max(2);
    let mut ranked: Vec<(usize, usize, &str)> = names
        .enumerate()
        .map(|(i, name)| (distance(written, name), i, name))
        .filter(|(d, _, _)| *d <= limit)
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(n)
        .map(|(_, _, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_by_hand() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("EUR", "eur"), 0);
        assert_eq!(distance("", "abc"), 3);
        let names = ["Europe/Berlin", "Europe/Bern", "America/Chicago"];
        assert_eq!(
            closest("Europe/Berln", names.into_iter(), 3),
            ["Europe/Berlin", "Europe/Bern"]
        );
        assert!(closest("Mars/Olympus", names.into_iter(), 3).is_empty());
    }
}
