"""The sessions' pages of the plan editor (registered with plans.editor in DialogueSessionsConfig.ready())."""
