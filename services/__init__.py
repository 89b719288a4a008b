"""Services: what the pages and the CLI call. Each orders the domain, drafting, knowledge and storage work for one
concern (intakes, plans, the library) and checks that the clinician owns what they ask for."""
