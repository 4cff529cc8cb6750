"""What the portal runs on: accounts, API tokens, the audit log, the jobs' runs, data freshness, mail."""
