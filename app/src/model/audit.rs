//! The closed list of what the audit log records. Codes are stored in `audit_log.action` and
//! filter the audit page: never rename one (add a new one instead).

use serde::{Deserialize, Serialize};

use crate::model::AppError;
use crate::model::InputProblem;

code_enum!(
    /// One kind of audited change.
    AuditAction {
        /// Someone asked for a sign-in link (no actor: the address may be unknown).
        LinkRequested = "auth.link_requested",
        /// A person signed in (link, OpenID or invitation).
        SignIn = "auth.sign_in",
        /// A person signed out.
        SignOut = "auth.sign_out",
        /// A person ended all their sessions.
        SignOutEverywhere = "auth.sign_out_everywhere",
        /// A person switched to another of their councils.
        CouncilSwitched = "auth.council_switched",
        /// A person set up the second factor.
        SecondFactorEnrolled = "auth.second_factor_enrolled",
        /// A person replaced their second factor (new authenticator and recovery codes).
        SecondFactorReplaced = "auth.second_factor_replaced",
        /// A session passed the second factor.
        SecondFactorPassed = "auth.second_factor_passed",
        /// The operator created a council.
        CouncilCreated = "council.created",
        /// An invitation was made.
        InvitationCreated = "invitation.created",
        /// An invitation was accepted.
        InvitationAccepted = "invitation.accepted",
        /// An invitation was revoked.
        InvitationRevoked = "invitation.revoked",
        /// A member's roles changed.
        RolesChanged = "membership.roles_changed",
        /// A membership was suspended.
        MembershipSuspended = "membership.suspended",
        /// A suspended membership was restored.
        MembershipRestored = "membership.restored",
        /// A consultation was created.
        ConsultationCreated = "consultation.created",
        /// A consultation's details changed.
        ConsultationUpdated = "consultation.updated",
        /// A member was invited to an "invited members only" consultation.
        ParticipantAdded = "consultation.participant_added",
        /// A member was taken off such a consultation.
        ParticipantRemoved = "consultation.participant_removed",
        /// A consultation opened for comments.
        ConsultationOpened = "consultation.opened",
        /// A consultation closed.
        ConsultationClosed = "consultation.closed",
        /// Every comment of a consultation was answered.
        ConsultationResponded = "consultation.responded",
        /// A consultation's outcome was published.
        OutcomePublished = "consultation.outcome_published",
        /// The public outcome page was switched on or off.
        OutcomeVisibility = "consultation.outcome_visibility",
        /// A draft was imported as the version being prepared.
        DraftImported = "draft.imported",
        /// A new version of the draft was started from the published text.
        RevisionStarted = "draft.revision_started",
        /// A version of the draft was published.
        DraftPublished = "draft.published",
        /// A content note was set on a published section.
        ContentNoteSet = "section.content_note_set",
        /// A comment was posted (no actor when anonymous).
        CommentPosted = "comment.posted",
        /// A comment was withdrawn by its author (no actor).
        CommentWithdrawn = "comment.withdrawn",
        /// The secretariat hid a comment.
        CommentHidden = "comment.hidden",
        /// The secretariat answered a comment.
        CommentAnswered = "comment.answered",
        /// A line was added to the council's rate card.
        RateAdded = "rate.added",
        /// The council's honoraria settings (threshold, paying account) changed.
        HonorariaSettingsChanged = "honoraria.settings_changed",
        /// The council's posting limits changed.
        PostingRulesChanged = "council.posting_rules_changed",
        /// The secretariat recorded a meeting.
        MeetingRecorded = "meeting.recorded",
        /// The secretariat recorded who attended a meeting (their entries were prefilled).
        AttendanceRecorded = "meeting.attendance_recorded",
        /// A claim was started (a time entry or an expense).
        ClaimCreated = "claim.created",
        /// A draft claim was changed by its author.
        ClaimEdited = "claim.edited",
        /// A draft claim was deleted by its author.
        ClaimDeleted = "claim.deleted",
        /// A claim was submitted.
        ClaimSubmitted = "claim.submitted",
        /// Its author withdrew a submitted claim (back to draft).
        ClaimWithdrawn = "claim.withdrawn",
        /// Finance returned a claim as incomplete.
        ClaimReturned = "claim.returned",
        /// Finance approved a claim (the first or the second approval).
        ClaimApproved = "claim.approved",
        /// Finance rejected a claim.
        ClaimRejected = "claim.rejected",
        /// Its author moved a claim to the next year (annual cap).
        ClaimDeferred = "claim.deferred",
        /// Finance opened a receipt.
        ReceiptViewed = "receipt.viewed",
        /// A member changed how they are paid.
        PaymentDetailsChanged = "payment.details_changed",
        /// Finance read bank details (in a batch export).
        PaymentDetailsViewed = "payment.details_viewed",
        /// Finance made a payment batch.
        BatchCreated = "batch.created",
        /// Finance exported a batch (CSV or SEPA XML).
        BatchExported = "batch.exported",
        /// Finance marked a batch paid.
        BatchPaid = "batch.paid",
        /// The secretariat created a mentorship programme.
        ProgrammeCreated = "programme.created",
        /// The secretariat added a cohort to a programme.
        CohortCreated = "programme.cohort_created",
        /// The secretariat ended a programme (its active matches are complete).
        ProgrammeEnded = "programme.ended",
        /// The secretariat invited a member to a cohort.
        ParticipantInvited = "participant.invited",
        /// A member applied to a cohort.
        ParticipantApplied = "participant.applied",
        /// An invitation or application was answered (accepted or not).
        ParticipantAnswered = "participant.answered",
        /// A participant changed their profile.
        ProfileChanged = "participant.profile_changed",
        /// The secretariat read the cohort's profiles to see suggested matches.
        SuggestionsViewed = "match.suggestions_viewed",
        /// The secretariat proposed a match.
        MatchProposed = "match.proposed",
        /// One of the pair answered a proposal (unattributed: who is never recorded).
        MatchAnswered = "match.answered",
        /// A match ended (unattributed: who ended it is never recorded).
        MatchEnded = "match.ended",
        /// A match was completed.
        MatchCompleted = "match.completed",
        /// One of the pair read the pair's private notes.
        PairNotesRead = "match.notes_read",
        /// One of the pair logged a session.
        SessionLogged = "match.session_logged",
        /// A mentor turned a session into a time entry.
        SessionClaimed = "match.session_claimed",
        /// The council admin named the safeguarding lead.
        SafeguardingLeadSet = "safeguarding.lead_set",
        /// A concern was reported (unattributed: the reporter is sealed in the case).
        ConcernReported = "safeguarding.concern_reported",
        /// The lead or a council admin read a case.
        CaseRead = "safeguarding.case_read",
        /// The lead or a council admin added a note or changed a case's status.
        CaseUpdated = "safeguarding.case_updated",
    }
);
