"""Not code: the files that ship with Picture Desk (rule profiles, agency names, demo
content, icons, style sheets, templates).  Installed as ``picturedesk_resources``;
read them through ``archive.resources.resource_path``."""
