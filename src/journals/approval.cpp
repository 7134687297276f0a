#include "journals/approval.hpp"

#include <array>
#include <utility>

namespace journals {
namespace {

constexpr std::array<std::pair<State, std::string_view>, 5> kStates{{{State::kDraft, "draft"},
                                                                     {State::kSubmitted, "submitted"},
                                                                     {State::kChecked, "checked"},
                                                                     {State::kReturned, "returned"},
                                                                     {State::kApproved, "approved"}}};
constexpr std::array<std::pair<Step, std::string_view>, 6> kSteps{{{Step::kSave, "save"},
                                                                   {Step::kSubmit, "submit"},
                                                                   {Step::kCheck, "check"},
                                                                   {Step::kApprove, "approve"},
                                                                   {Step::kReturn, "return"},
                                                                   {Step::kReopen, "reopen"}}};

Outcome To(State next) { return {next, Refusal::kNone}; }
Outcome No(Refusal why, State from) { return {from, why}; }

}  // namespace

std::string_view StateName(State state) {
    for (const auto& [s, name] : kStates)
        if (s == state) return name;
    return "draft";
}
std::optional<State> ParseState(std::string_view name) {
    for (const auto& [s, n] : kStates)
        if (n == name) return s;
    return std::nullopt;
}
std::string_view StepName(Step step) {
    for (const auto& [s, name] : kSteps)
        if (s == step) return name;
    return "save";
}
std::optional<Step> ParseStep(std::string_view name) {
    for (const auto& [s, n] : kSteps)
        if (n == name) return s;
    return std::nullopt;
}

Outcome Apply(State from, Step step, const Who& who) {
    // The role first: a step the actor may not take is refused whatever the state.
    const bool allowed = step == Step::kSave || step == Step::kSubmit ? who.can_write
                         : step == Step::kCheck                       ? who.can_check
                         : step == Step::kReturn                      ? who.can_check || who.can_approve
                                                                      : who.can_approve;
    if (!allowed) return No(Refusal::kForbidden, from);
    const bool stamps = step == Step::kCheck || step == Step::kApprove;  // a writer may always take theirs back
    switch (step) {
        case Step::kSave:
            return Editable(from) ? To(from) : No(Refusal::kState, from);
        case Step::kSubmit:
            return Editable(from) ? To(State::kSubmitted) : No(Refusal::kState, from);
        case Step::kCheck:
            if (from != State::kSubmitted) return No(Refusal::kState, from);
            break;
        case Step::kApprove:
            if (from != State::kSubmitted && from != State::kChecked) return No(Refusal::kState, from);
            break;
        case Step::kReturn:
            // The head teacher returns what they have not checked yet; after their check, only the head returns it.
            if (from == State::kSubmitted) break;
            if (from == State::kChecked && who.can_approve) break;
            return No(from == State::kChecked ? Refusal::kForbidden : Refusal::kState, from);
        case Step::kReopen:
            return from == State::kApproved ? To(State::kDraft) : No(Refusal::kState, from);
    }
    if (stamps && who.submitted_it && !who.self_approval) return No(Refusal::kOwn, from);
    switch (step) {
        case Step::kCheck:
            return To(State::kChecked);
        case Step::kApprove:
            return To(State::kApproved);
        default:
            return To(State::kReturned);
    }
}

}  // namespace journals
