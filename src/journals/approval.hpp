#pragma once
// A care journal's approval (and later a curriculum plan's), as a small explicit state machine. No database and no
// clock: the state, the step and what the actor may do are given, so the whole table is tested alone.
//
//   draft ──submit──▶ submitted ──check (主任)──▶ checked ──approve (園長)──▶ approved
//     ▲                   │  └──────approve (園長, no 主任 step)──────────────▲      │
//     │                   └─return──▶ returned ◀──return── checked              │
//     │                                  └──submit──▶ submitted                  │
//     └───────────────────────────────reopen (園長)──────────────────────────────┘
//
// The text may change in draft and returned only: a submitted journal is being read, an approved one is a record
// (it must be reopened first, and that is stamped). Who may check, approve and reopen is the permission table's
// (auth::Action::kJournalCheck / kJournalApprove); whether the writer may stamp their own journal is the site's.
#include <optional>
#include <string_view>

namespace journals {

enum class State { kDraft, kSubmitted, kChecked, kReturned, kApproved };
std::string_view StateName(State state);
std::optional<State> ParseState(std::string_view name);

enum class Step { kSave, kSubmit, kCheck, kApprove, kReturn, kReopen };
std::string_view StepName(Step step);
std::optional<Step> ParseStep(std::string_view name);

// What the actor may do at the journal's site, and whether they submitted it.
struct Who {
    bool can_write = false;    // kJournalWrite
    bool can_check = false;    // kJournalCheck (主任, and the head)
    bool can_approve = false;  // kJournalApprove (園長)
    bool submitted_it = false;
    bool self_approval = false;  // the site lets a writer stamp their own journal
};

enum class Refusal {
    kNone,
    kForbidden,  // the role does not allow the step (403)
    kOwn,        // the writer's own journal, where the site forbids it (403, said so)
    kState,      // not from this state: e.g. approving twice, editing an approved journal (409)
};
struct Outcome {
    State next = State::kDraft;
    Refusal refusal = Refusal::kNone;
    bool ok() const { return refusal == Refusal::kNone; }
};
Outcome Apply(State from, Step step, const Who& who);

// Whether the text may be changed in this state.
inline bool Editable(State state) { return state == State::kDraft || state == State::kReturned; }

}  // namespace journals
