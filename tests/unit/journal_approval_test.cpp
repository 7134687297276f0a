// A journal's approval as a table: every state × every step × who takes it (a writer, the head teacher 主任, the head
// 園長), with the writer's own journal where the site forbids and allows it.
#include <gtest/gtest.h>

#include "journals/approval.hpp"

namespace {

using namespace journals;

constexpr Who kWriter{true, false, false, false, false};
constexpr Who kLead{true, true, false, false, false};
constexpr Who kHead{true, true, true, false, false};
constexpr Who kNobody{false, false, false, false, false};

struct Row {
    State from;
    Step step;
    Who who;
    std::optional<State> next;  // none: refused
    Refusal refusal = Refusal::kNone;
};

Who Own(Who w, bool allowed) {
    w.submitted_it = true;
    w.self_approval = allowed;
    return w;
}

TEST(JournalApproval, TheWholeTable) {
    using enum State;
    using enum Step;
    const std::vector<Row> rows = {
        // Writing: in draft and returned only.
        {kDraft, kSave, kWriter, kDraft},
        {kReturned, kSave, kWriter, kReturned},
        {kSubmitted, kSave, kWriter, std::nullopt, Refusal::kState},
        {kChecked, kSave, kHead, std::nullopt, Refusal::kState},
        {kApproved, kSave, kHead, std::nullopt, Refusal::kState},  // reopen first
        {kDraft, kSave, kNobody, std::nullopt, Refusal::kForbidden},
        {kDraft, kSubmit, kWriter, kSubmitted},
        {kReturned, kSubmit, kWriter, kSubmitted},
        {kSubmitted, kSubmit, kWriter, std::nullopt, Refusal::kState},
        {kApproved, kSubmit, kWriter, std::nullopt, Refusal::kState},
        // The head teacher's check.
        {kSubmitted, kCheck, kLead, kChecked},
        {kSubmitted, kCheck, kHead, kChecked},
        {kSubmitted, kCheck, kWriter, std::nullopt, Refusal::kForbidden},
        {kDraft, kCheck, kLead, std::nullopt, Refusal::kState},
        {kChecked, kCheck, kLead, std::nullopt, Refusal::kState},  // twice
        {kApproved, kCheck, kLead, std::nullopt, Refusal::kState},
        // The head's approval: after the check, or straight from submitted where there is no 主任.
        {kChecked, kApprove, kHead, kApproved},
        {kSubmitted, kApprove, kHead, kApproved},
        {kChecked, kApprove, kLead, std::nullopt, Refusal::kForbidden},
        {kDraft, kApprove, kHead, std::nullopt, Refusal::kState},
        {kReturned, kApprove, kHead, std::nullopt, Refusal::kState},
        {kApproved, kApprove, kHead, std::nullopt, Refusal::kState},  // twice
        // Returning with a comment.
        {kSubmitted, kReturn, kLead, kReturned},
        {kSubmitted, kReturn, kHead, kReturned},
        {kChecked, kReturn, kHead, kReturned},
        {kChecked, kReturn, kLead, std::nullopt, Refusal::kForbidden},  // checked already: the head's now
        {kSubmitted, kReturn, kWriter, std::nullopt, Refusal::kForbidden},
        {kDraft, kReturn, kHead, std::nullopt, Refusal::kState},
        {kApproved, kReturn, kHead, std::nullopt, Refusal::kState},
        // Reopening an approved journal: the head only.
        {kApproved, kReopen, kHead, kDraft},
        {kApproved, kReopen, kLead, std::nullopt, Refusal::kForbidden},
        {kChecked, kReopen, kHead, std::nullopt, Refusal::kState},
        // One's own journal: not stamped where the site forbids it; taken back always.
        {kSubmitted, kCheck, Own(kLead, false), std::nullopt, Refusal::kOwn},
        {kSubmitted, kApprove, Own(kHead, false), std::nullopt, Refusal::kOwn},
        {kChecked, kApprove, Own(kHead, false), std::nullopt, Refusal::kOwn},
        {kSubmitted, kCheck, Own(kLead, true), kChecked},
        {kSubmitted, kApprove, Own(kHead, true), kApproved},
        {kSubmitted, kReturn, Own(kLead, false), kReturned},
    };
    for (const auto& r : rows) {
        const auto out = Apply(r.from, r.step, r.who);
        const std::string where = std::string(StateName(r.from)) + " " + std::string(StepName(r.step));
        if (r.next) {
            EXPECT_TRUE(out.ok()) << where;
            EXPECT_EQ(out.next, *r.next) << where;
        } else {
            EXPECT_FALSE(out.ok()) << where;
            EXPECT_EQ(out.refusal, r.refusal) << where;
            EXPECT_EQ(out.next, r.from) << where << ": a refusal changes nothing";
        }
    }
}

TEST(JournalApproval, NamesReadBack) {
    for (auto s : {State::kDraft, State::kSubmitted, State::kChecked, State::kReturned, State::kApproved})
        EXPECT_EQ(ParseState(StateName(s)), s);
    for (auto s : {Step::kSave, Step::kSubmit, Step::kCheck, Step::kApprove, Step::kReturn, Step::kReopen})
        EXPECT_EQ(ParseStep(StepName(s)), s);
    EXPECT_FALSE(ParseState("stamped"));
    EXPECT_FALSE(ParseStep("sign"));
    EXPECT_TRUE(Editable(State::kReturned));
    EXPECT_FALSE(Editable(State::kApproved));
}

}  // namespace
