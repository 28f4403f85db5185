"""Staff pages of the registration business (业务办理): work queue, 收件, the case page with
its actions, the time-limit dashboard and the workflow configuration. Views only translate
HTTP to selector and service calls; the engine's typed errors become messages on the page."""
