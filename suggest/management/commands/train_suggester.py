from django.core.management.base import BaseCommand

from suggest.corpus import load_corpus, training_set
from suggest.model import ARTEFACT, fit, save
from suggest.selectors import forget_model
from suggest.services import corrections


class Command(BaseCommand):
    help = (
        "Train the category suggester on the corpus's training part (never its held-out fifth) "
        "and the corrections staff made to its suggestions, and write suggest/data/model.npz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-corrections",
            action="store_true",
            help="the corpus alone (what the repository's artefact is trained on)",
        )

    def handle(self, *args, without_corrections: bool, **options):
        examples = training_set(load_corpus())
        learnt = [] if without_corrections else corrections()
        model = fit(examples + learnt)
        save(model, ARTEFACT)
        forget_model()
        self.stdout.write(
            f"trained on {len(examples)} corpus texts and {len(learnt)} corrections: "
            f"{len(model.labels)} labels, {len(model.vocabulary)} features, "
            f"temperature {model.leaves.temperature:.2f}, version {model.version} → {ARTEFACT}"
        )
