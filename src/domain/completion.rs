//! Tab completion as a shell does it: the word is completed as far as the names that fit
//! agree, and those names are listed when more than one fits. The file prompts and the
//! board's filter line share it.

/// What Tab made of the text before the cursor, and the names that fit when more than
/// one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub before: String,
    pub choices: Vec<String>,
}

/// The longest start that all `names` share; empty when there are none.
pub fn common_prefix(names: &[String]) -> String {
    let Some(first) = names.first() else {
        return String::new();
    };
    first
        .chars()
        .enumerate()
        .take_while(|(i, c)| names.iter().all(|n| n.chars().nth(*i) == Some(*c)))
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_start_of_names() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_prefix(&names(&["channels", "cps", "currency"])), "c");
        assert_eq!(
            common_prefix(&names(&["wholesale", "wholesale-eu"])),
            "wholesale"
        );
        assert_eq!(common_prefix(&names(&["tag"])), "tag");
        assert_eq!(common_prefix(&[]), "");
    }
}
