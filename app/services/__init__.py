"""Services: use cases that combine the domain rules with storage. No Qt here either."""
