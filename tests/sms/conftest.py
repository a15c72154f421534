"""Fixtures for the SMS tests: a real Kannel in front of the live test server,
and a real worker that sends replies through it."""

from __future__ import annotations

import pytest

from tests.sms.kannel import FARO_NUMBER, KannelGateway, kannel_installed, live_base_url
from tests.support.processes import WorkerProcess, purge_queues


@pytest.fixture(scope="module")
def kannel(live_server, tmp_path_factory):
    """bearerbox + smsbox + fakesmsc configured by ``manage.py kannel_config``
    for the live server (its sms-service calls the incoming callback);
    stopped after the module."""
    if not kannel_installed():
        pytest.fail("Debian's kannel and kannel-extras are needed (bearerbox, smsbox, fakesmsc)")
    gateway = KannelGateway(
        tmp_path_factory.mktemp("kannel"), site_url=live_base_url(live_server)
    ).start()
    yield gateway
    gateway.stop()


@pytest.fixture(scope="module")
def kannel_reply_worker(kannel, django_db_setup, django_db_blocker):
    """A real worker (one process: replies leave in the order they were queued)
    sending through the Kannel gateway."""
    with django_db_blocker.unblock():
        purge_queues()
        worker = WorkerProcess(
            concurrency=1, SMS_URL=kannel.sms_url, SMS_FROM=FARO_NUMBER, SMS_SEND_RATE="0"
        ).start()
    yield worker
    worker.stop()


@pytest.fixture
def via_kannel(kannel, live_server, settings):
    """This process sends through Kannel and names the live server in its DLR URLs."""
    settings.SITE_URL = live_base_url(live_server)
    settings.SMS_URL = kannel.sms_url
    settings.SMS_FROM = FARO_NUMBER
    return kannel
