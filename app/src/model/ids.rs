//! Typed ids, so a council id can never be passed where a consultation id belongs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// Identifies a council.
    CouncilId
);
id_type!(
    /// Identifies a person (a user of the platform).
    PersonId
);
id_type!(
    /// Identifies a consultation.
    ConsultationId
);
id_type!(
    /// Identifies one section of one draft version.
    SectionId
);
id_type!(
    /// Identifies a comment (or reply).
    CommentId
);
id_type!(
    /// Identifies one draft version.
    VersionId
);
id_type!(
    /// Identifies an invitation to join a council.
    InvitationId
);
id_type!(
    /// Identifies a claim (a time entry or an expense).
    ClaimId
);
id_type!(
    /// Identifies a council meeting.
    MeetingId
);
id_type!(
    /// Identifies a receipt.
    ReceiptId
);
id_type!(
    /// Identifies a payment batch.
    BatchId
);
id_type!(
    /// Identifies a mentorship session (honoraria refers to it by id only).
    MentorshipSessionId
);
id_type!(
    /// Identifies a mentorship programme.
    ProgrammeId
);
id_type!(
    /// Identifies a cohort of a programme.
    CohortId
);
id_type!(
    /// Identifies one person's place in a cohort (as mentor or mentee).
    ParticipantId
);
id_type!(
    /// Identifies a mentor–mentee match.
    MatchId
);
id_type!(
    /// Identifies a safeguarding case.
    CaseId
);
