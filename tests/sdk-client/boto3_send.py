# Sends through SesConsole's API with boto3 (Debian's python3-boto3, run with /usr/bin/python3); prints one JSON object.
# Environment: SES_ENDPOINT, SES_REGION, SES_KEY, SES_SECRET, SES_FROM_ARN, SES_FROM, SES_DENIED_ARN, SES_DENIED_FROM.
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
config = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(service):
    return boto3.client(service, endpoint_url=env["SES_ENDPOINT"], region_name=env["SES_REGION"], config=config,
                        aws_access_key_id=env["SES_KEY"], aws_secret_access_key=env["SES_SECRET"])


v1 = client("ses")
v2 = client("sesv2")
out = {}


def step(name, call):
    try:
        out[name] = call()
    except ClientError as e:
        out[name] = {"error": {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                               "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}}


message = {"Subject": {"Data": "boto3"}, "Body": {"Text": {"Data": "sent with boto3"}}}
step("v1Send", lambda: v1.send_email(Source=env["SES_FROM"], SourceArn=env["SES_FROM_ARN"],
                                     Destination={"ToAddresses": ["success@simulator.amazonses.com"]}, Message=message)["MessageId"])
step("v2Send", lambda: v2.send_email(FromEmailAddress=env["SES_FROM"], FromEmailAddressIdentityArn=env["SES_FROM_ARN"],
                                     Destination={"ToAddresses": ["reader@customer.example"]},
                                     Content={"Simple": message})["MessageId"])
step("v1Denied", lambda: v1.send_email(Source=env["SES_DENIED_FROM"], SourceArn=env["SES_DENIED_ARN"],
                                       Destination={"ToAddresses": ["success@simulator.amazonses.com"]}, Message=message)["MessageId"])
step("v2Denied", lambda: v2.send_email(FromEmailAddress=env["SES_DENIED_FROM"], FromEmailAddressIdentityArn=env["SES_DENIED_ARN"],
                                       Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                                       Content={"Simple": message})["MessageId"])
print(json.dumps(out))
