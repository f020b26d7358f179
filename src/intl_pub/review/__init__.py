"""What reviewers see: status, the queue, the impact of an edit, the team's status page."""
