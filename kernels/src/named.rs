//! Enums named once: [`named_enum!`] gives an enum of unit variants its `ALL`, its `name()`,
//! `Display`, `FromStr` and an error type for unknown names, so [`Variant`](crate::Variant),
//! [`Kernel`](crate::Kernel), [`Detector`](crate::Detector) and
//! [`Family`](crate::families::Family) spell each name in one place.

/// `"a, b or c"`: the names a parser expects, for its error message.
pub(crate) fn expected(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

/// Declares `enum $Enum { $Item, ... }` with `$Enum::ALL` (declaration order), a `const fn
/// name()`, `Display` and `FromStr` by that name, and `$Unknown(String)`, the error of a name
/// that is none of them (`unknown $what "x" (expected a, b or c)`).
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $Enum:ident, unknown $Unknown:ident = $what:literal {
            $( $(#[$item_meta:meta])* $Item:ident => $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $Enum {
            $( $(#[$item_meta])* $Item, )+
        }

        impl $Enum {
            /// Every value, in a fixed order.
            pub const ALL: [$Enum; [$($name),+].len()] = [$($Enum::$Item),+];

            /// The name used on the command line, in ids and in the report.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $Enum::$Item => $name, )+
                }
            }
        }

        impl ::std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.name())
            }
        }

        #[doc = concat!("A name parsed as a [`", stringify!($Enum), "`] is not a ", $what, ".")]
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $Unknown(pub String);

        impl ::std::fmt::Display for $Unknown {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let names = $Enum::ALL.map($Enum::name);
                write!(
                    f,
                    "unknown {} {:?} (expected {})",
                    $what,
                    self.0,
                    $crate::named::expected(&names)
                )
            }
        }

        impl ::std::error::Error for $Unknown {}

        impl ::std::str::FromStr for $Enum {
            type Err = $Unknown;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $Enum::ALL
                    .into_iter()
                    .find(|v| v.name() == s)
                    .ok_or_else(|| $Unknown(s.to_owned()))
            }
        }
    };
}
pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use crate::{Detector, Kernel, UnknownVariant, Variant};

    #[test]
    fn names_round_trip() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>().unwrap(), v);
        }
        for k in Kernel::ALL {
            assert_eq!(k.to_string().parse::<Kernel>().unwrap(), k);
        }
        for d in Detector::ALL {
            assert_eq!(d.name().parse::<Detector>().unwrap(), d);
        }
        assert!("column-stack".parse::<Kernel>().is_err());
        assert!("miri".parse::<Detector>().is_err());
    }

    #[test]
    fn unknown_names_say_what_was_expected() {
        assert_eq!(
            "fast".parse::<Variant>().unwrap_err(),
            UnknownVariant("fast".into())
        );
        assert_eq!(
            UnknownVariant("fast".into()).to_string(),
            "unknown variant \"fast\" (expected raw, checked or safe)"
        );
        assert_eq!(
            "x".parse::<Kernel>().unwrap_err().to_string(),
            "unknown kernel \"x\" (expected reshape, transpose, column_stack, column_unstack, \
             permute or permute_indices)"
        );
        assert_eq!(super::expected(&["a"]), "a");
    }
}
