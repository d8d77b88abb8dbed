-- 009_approval_comment.sql - the approver's comment (审批意见) on a post or a void.
-- A projection of the transfer.post and transfer.void events' optional "comment"
-- (docs/events.md); older events have none, so the column stays NULL for them.
ALTER TABLE transfers ADD COLUMN comment TEXT;
