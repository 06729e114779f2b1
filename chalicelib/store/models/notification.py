"""A user's notifications (PeerTube's UserNotification), in the user's partition.

- `Notification` (`USER#<id>` / `NOTIFICATION#<id, 12 digits>`): one notification, with the
  sub-objects PeerTube's JSON gives its type (video, comment, account, actorFollow, abuse,
  registration...) as they were when it was made. While unread it is in its user's unread
  list (`gsi1pk = USER#<id>#UNREAD`, `gsi1sk = <id, 12 digits>`).
- `NotificationBox` (`USER#<id>` / `NOTIFICATIONS`): the user's counts (`total`, `unread`),
  `read_up_to` (every notification whose id is at most this is read: "mark all as read" is
  one write) and `version`, which every change of the counts moves.
- `NotificationMark` (`USER#<id>` / `NOTIFIED#<type>#<subject>`): the notification of that type
  about that subject exists; written with it, on condition, so a redelivered message (a fan-out
  page sent twice) never notifies twice.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class Notification(TableItem, discriminator="Notification"):
    id = NumberAttribute()
    user_id = NumberAttribute()
    type = NumberAttribute()  # PeerTube's UserNotificationType
    is_read = BooleanAttribute(default=False)  # read one by one; read_up_to covers the rest
    payload = JSONAttribute(default=dict)  # the type's sub-objects, in PeerTube's shape
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class NotificationBox(TableItem, discriminator="NotificationBox"):
    total = NumberAttribute(default=0)
    unread = NumberAttribute(default=0)
    read_up_to = NumberAttribute(default=0)
    version = NumberAttribute(default=0)


class NotificationMark(TableItem, discriminator="NotificationMark"):
    notification_id = NumberAttribute()
