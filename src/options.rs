//! Options written by name — in scenario files, on the command line and in outputs — as
//! enums whose names are stated once, in their declaration.

/// An option written by name; implemented by [`named_enum!`].
pub trait Named: Copy + 'static {
    /// Every name as written, in declaration order.
    const NAMES: &'static [&'static str];
    /// The variant written `name`, if any.
    fn parse(name: &str) -> Option<Self>;
}

/// Declares a fieldless enum with a name per variant (`Variant = "name"`), and from those
/// names alone: `ALL` and `NAMES` (in declaration order), `name`, `parse`, [`Named`],
/// `Display`, serde's `Serialize` (as the name) and clap's `ValueEnum` (for `--flag name`).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $ty {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $ty {
            /// Every variant, in the order of [`Self::NAMES`].
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            /// Every name as written, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The name as written in scenario files, on the command line and in outputs.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// The variant written `name`, if any (names are case-sensitive).
            pub fn parse(name: &str) -> Option<$ty> {
                Self::ALL.iter().copied().find(|v| v.name() == name)
            }
        }

        impl $crate::options::Named for $ty {
            const NAMES: &'static [&'static str] = $ty::NAMES;
            fn parse(name: &str) -> Option<$ty> {
                $ty::parse(name)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.name()))
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    named_enum! {
        /// A test option.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark-blue",
        }
    }

    #[test]
    fn names_parse_serialise_and_list_as_declared() {
        assert_eq!(Colour::NAMES, ["red", "dark-blue"]);
        assert_eq!(Colour::parse("dark-blue"), Some(Colour::DarkBlue));
        assert_eq!(Colour::parse("Red"), None);
        assert_eq!(Colour::DarkBlue.to_string(), "dark-blue");
        assert_eq!(
            serde_json::to_string(&Colour::ALL).unwrap(),
            r#"["red","dark-blue"]"#
        );
        let names: Vec<String> = <Colour as clap::ValueEnum>::value_variants()
            .iter()
            .filter_map(clap::ValueEnum::to_possible_value)
            .map(|p| p.get_name().to_string())
            .collect();
        assert_eq!(names, Colour::NAMES);
    }
}
