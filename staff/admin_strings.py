"""Strings of the admin pages that come from third-party apps (django-celery-beat,
django-simple-history, django-import-export, django-allauth) and from Django's admin, whose
own Italian catalogues lack them. Listed here so `makemessages` keeps them in the project's
catalogue (`locale/`), which Django reads before any app's: the admin is then Italian
throughout. `tests/staff/test_admin_italian.py` renders the admin in Italian and fails on
any of them left in English. Nothing imports this module."""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = [
    gettext_noop("AMQP Message Headers"),
    gettext_noop("Arguments"),
    gettext_noop("Astronomical dawn"),
    gettext_noop("Astronomical dusk"),
    gettext_noop("Civil dawn"),
    gettext_noop("Civil dusk"),
    gettext_noop("Clock Time"),
    gettext_noop("Clocked Schedule"),
    gettext_noop(
        "Clocked Schedule to run the task on.  Set only one schedule type, leave the others null."
    ),
    gettext_noop('Cron Days Of The Month to Run. Use "*" for "all". (Example: "1,15")'),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: "0,5")'
    ),
    gettext_noop('Cron Hours to Run. Use "*" for "all". (Example: "8,20")'),
    gettext_noop('Cron Minutes to Run. Use "*" for "all". (Example: "0,30")'),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop("Cron Timezone"),
    gettext_noop("Crontab Schedule"),
    gettext_noop(
        "Crontab Schedule to run the task on.  Set only one schedule type, leave the others null."
    ),
    gettext_noop("Datetime after which the schedule will no longer trigger the task to run"),
    gettext_noop(
        "Datetime that the schedule last triggered the task to run. Reset to None if enabled is set to False."
    ),
    gettext_noop("Datetime that this PeriodicTask was last modified"),
    gettext_noop("Datetime when the schedule should begin triggering the task to run"),
    gettext_noop("Day"),
    gettext_noop("Day(s) Of The Month"),
    gettext_noop("Day(s) Of The Week"),
    gettext_noop("Days"),
    gettext_noop("Detailed description about the details of this Periodic Task"),
    gettext_noop("Disable selected tasks"),
    gettext_noop("Enable selected tasks"),
    gettext_noop("Enabled"),
    gettext_noop("Exchange"),
    gettext_noop("Execution Options"),
    gettext_noop("Expires Datetime"),
    gettext_noop("Expires timedelta with seconds"),
    gettext_noop("Hour"),
    gettext_noop("Hour(s)"),
    gettext_noop("Hours"),
    gettext_noop("If True, the schedule will only run the task a single time"),
    gettext_noop("Interval Period"),
    gettext_noop("Interval Schedule"),
    gettext_noop(
        "Interval Schedule to run the task on.  Set only one schedule type, leave the others null."
    ),
    gettext_noop('JSON encoded keyword arguments (Example: {"argument": "value"})'),
    gettext_noop("JSON encoded message headers for the AMQP message."),
    gettext_noop('JSON encoded positional arguments (Example: ["arg1", "arg2"])'),
    gettext_noop("Keyword Arguments"),
    gettext_noop("Last Modified"),
    gettext_noop("Last Run Datetime"),
    gettext_noop("Latitude"),
    gettext_noop("Longitude"),
    gettext_noop("Microsecond"),
    gettext_noop("Microseconds"),
    gettext_noop("Minute"),
    gettext_noop("Minute(s)"),
    gettext_noop("Minutes"),
    gettext_noop("Month(s) Of The Year"),
    gettext_noop("Nautical dawn"),
    gettext_noop("Nautical dusk"),
    gettext_noop("Need name of task"),
    gettext_noop("Number of Periods"),
    gettext_noop("Number of interval periods to wait before running the task again"),
    gettext_noop("One-off Task"),
    gettext_noop("Only one can be set, in expires and expire_seconds"),
    gettext_noop("Override Exchange for low-level AMQP routing"),
    gettext_noop("Override Routing Key for low-level AMQP routing"),
    gettext_noop("Periodic Tasks"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop("Positional Arguments"),
    gettext_noop("Priority"),
    gettext_noop(
        "Priority Number between 0 and 255. Supported by: RabbitMQ, Redis (priority reversed, 0 is highest)."
    ),
    gettext_noop("Queue Override"),
    gettext_noop("Queue defined in CELERY_TASK_QUEUES. Leave None for default queuing."),
    gettext_noop("Routing Key"),
    gettext_noop("Run selected tasks"),
    gettext_noop("Run the task at clocked time"),
    gettext_noop("Run the task when the event happens at this latitude"),
    gettext_noop("Run the task when the event happens at this longitude"),
    gettext_noop("Running count of how many times the schedule has triggered the task"),
    gettext_noop("Schedule"),
    gettext_noop("Second"),
    gettext_noop("Seconds"),
    gettext_noop("Set to False to disable the schedule"),
    gettext_noop("Short Description For This Task"),
    gettext_noop("Solar Event"),
    gettext_noop("Solar Schedule"),
    gettext_noop(
        "Solar Schedule to run the task on.  Set only one schedule type, leave the others null."
    ),
    gettext_noop("Solar noon"),
    gettext_noop("Start Datetime"),
    gettext_noop("Sunrise"),
    gettext_noop("Sunset"),
    gettext_noop("Task (custom)"),
    gettext_noop("Task (registered)"),
    gettext_noop("Task Name"),
    gettext_noop(
        'The Name of the Celery Task that Should be Run.  (Example: "proj.tasks.import_contacts")'
    ),
    gettext_noop("The type of period between task runs (Example: days)"),
    gettext_noop("The type of solar event when the job should run"),
    gettext_noop(
        "Timedelta with seconds which the schedule will no longer trigger the task to run"
    ),
    gettext_noop("Timezone to Run the Cron Schedule on. Default is UTC."),
    gettext_noop("Toggle activity of selected tasks"),
    gettext_noop("Total Run Count"),
    gettext_noop("Unable to parse JSON: %s"),
    gettext_noop("clocked"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("every {}"),
    gettext_noop("every {} {}"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("periodic task"),
    gettext_noop("periodic task track"),
    gettext_noop("periodic task tracks"),
    gettext_noop("periodic tasks"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
    gettext_noop("Change History"),
    gettext_noop("Change reason"),
    gettext_noop("Changed"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Comment"),
    gettext_noop("Created"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Object"),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop("Non field specific"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using the form above."
    ),
    gettext_noop("Resource"),
    gettext_noop("Row"),
    gettext_noop("Select all"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("Some rows failed to validate"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("This exporter will export the following fields:"),
    gettext_noop("Value could not be parsed."),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("Add link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),  # noqa: RUF001  (Django's own apostrophe)
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),  # noqa: RUF001  (Django's own apostrophe)
    gettext_noop("Model name"),
    gettext_noop("Set password"),
    gettext_noop("content type"),
    gettext_noop("Accounts"),
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),  # noqa: RUF001  (Django's own apostrophe)
]
