-- 010_approval_comment.sql - the approver's comment (审批意见) on a post or a void.
-- (Numbered 010: a parallel branch adds 009_investment.sql; this one must not swap places with it.)
-- A projection of the transfer.post and transfer.void events' optional "comment"
-- (docs/events.md); older events have none, so the column stays NULL for them.
ALTER TABLE transfers ADD COLUMN comment TEXT;
