//! Parsed activity values: once built, always valid.
use crate::text::{ValueError, short_text};

/// Declares a one-line text value of 1 to `max` characters after trimming.
macro_rules! line {
    ($(#[$meta:meta])* $name:ident, $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                short_text(raw, Self::MAX_CHARS).map(Self)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

line!(
    /// What kind of activity (`running`, `reading`...): free text, 1 to 50 characters. Activity
    /// goals count the activities of their type, compared as written.
    ActivityType,
    50
);
line!(
    /// An activity's name: 1 to 200 characters.
    ActivityName,
    200
);
line!(
    /// Where it happened: 1 to 200 characters.
    Place,
    200
);
line!(
    /// The weather, as the user puts it: 1 to 100 characters.
    Weather,
    100
);

crate::bounded_number!(
    /// How long an activity lasted: 0 to 1,440 minutes (a day).
    DurationMinutes: u16, 0..=1_440
);

crate::bounded_number!(
    /// A mood or energy level, 1 to 10.
    Level: u8, 1..=10
);

crate::word_enum! {
    /// Which of an activity's four levels: mood and energy, before and after.
    pub enum Feeling {
        MoodBefore = "mood_before",
        MoodAfter = "mood_after",
        EnergyBefore = "energy_before",
        EnergyAfter = "energy_after",
    }
}

/// The four levels of an activity, each optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Levels {
    pub mood_before: Option<u8>,
    pub mood_after: Option<u8>,
    pub energy_before: Option<u8>,
    pub energy_after: Option<u8>,
}

impl Levels {
    pub fn get(&self, feeling: Feeling) -> Option<u8> {
        *self.slot_ref(feeling)
    }

    pub fn set(&mut self, feeling: Feeling, level: Option<u8>) {
        *self.slot(feeling) = level;
    }

    fn slot_ref(&self, feeling: Feeling) -> &Option<u8> {
        match feeling {
            Feeling::MoodBefore => &self.mood_before,
            Feeling::MoodAfter => &self.mood_after,
            Feeling::EnergyBefore => &self.energy_before,
            Feeling::EnergyAfter => &self.energy_after,
        }
    }

    fn slot(&mut self, feeling: Feeling) -> &mut Option<u8> {
        match feeling {
            Feeling::MoodBefore => &mut self.mood_before,
            Feeling::MoodAfter => &mut self.mood_after,
            Feeling::EnergyBefore => &mut self.energy_before,
            Feeling::EnergyAfter => &mut self.energy_after,
        }
    }
}
