"""Message ids that the code builds at run time (f"topic.{intent}", f"{intent}.reply").

Listed here so that `pybabel extract` finds them like the literal ids passed to `Catalogs.text`.
"""


def N_(key: str) -> str:
    """Marks a message id for extraction; returns it unchanged."""
    return key


DYNAMIC_KEYS = (
    N_("greeting.reply"),
    N_("thanks.reply"),
    N_("help.reply"),
    N_("topic.titp.overview"),
    N_("topic.titp.stay_period"),
    N_("topic.titp.job_change"),
    N_("topic.titp.eligible_jobs"),
    N_("topic.titp.after_completion"),
    N_("topic.titp.abolition"),
    N_("topic.titp.law"),
    N_("topic.titp.statistics"),
    N_("topic.titp.eligibility"),
    N_("topic.ikusei.overview"),
    N_("topic.ikusei.start_date"),
    N_("topic.ikusei.stay_period"),
    N_("topic.ikusei.job_change"),
    N_("topic.ikusei.to_ssw"),
    N_("topic.ikusei.eligible_jobs"),
    N_("topic.ikusei.ineligible_jobs"),
    N_("topic.ikusei.japanese"),
    N_("topic.ssw.overview"),
    N_("topic.ssw.fields"),
    N_("topic.ssw.stay_period"),
    N_("topic.ssw.permanent_residency"),
    N_("topic.ssw.requirements"),
    N_("topic.ssw.job_change"),
    N_("topic.ssw.family"),
    N_("topic.ssw.from_titp"),
    N_("topic.residence.notify_change"),
    N_("topic.jobs.find"),
    N_("topic.help.hotline"),
    N_("topic.help.abuse"),
    N_("topic.help.emergency"),
)

# Notices the handoff queue and the platform channels send (advisor joined/left, hours,
# non-text messages, errors); listed so that translators get them with the rest.
NOTICE_KEYS = (
    N_("choice.language"),
    N_("choice.topics"),
    N_("handoff.advisor_joined"),
    N_("handoff.released"),
    N_("handoff.urgent_queued"),
    N_("handoff.closed"),
    N_("handoff.hours"),
    N_("handoff.out_of_hours"),
    N_("nontext.reply"),
    N_("error.generic"),
)

# Telegram's command menu, one description per command and language (setMyCommands)
COMMAND_KEYS = (
    N_("command.start"),
    N_("command.help"),
    N_("command.language"),
    N_("command.human"),
    N_("command.cancel"),
)

# Ready-made replies the advisor console offers in the user's language (an advisor who does not
# read Burmese can still greet, ask for details and close politely).
TEMPLATE_KEYS = (
    N_("template.greeting"),
    N_("template.checking"),
    N_("template.ask_card"),
    N_("template.ask_company"),
    N_("template.safety_check"),
    N_("template.closing"),
)
