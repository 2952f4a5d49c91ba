package db.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills composites.cofactor_sha256 for rows written before V2 (SHA-256 has no portable SQL spelling). */
public class V3__backfill_cofactor_sha256 extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (PreparedStatement select = c.prepareStatement("SELECT id, cofactor FROM composites WHERE cofactor_sha256 IS NULL");
             PreparedStatement update = c.prepareStatement("UPDATE composites SET cofactor_sha256 = ? WHERE id = ?");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                update.setString(1, HexFormat.of().formatHex(sha.digest(rs.getString(2).getBytes(StandardCharsets.US_ASCII))));
                update.setLong(2, rs.getLong(1));
                update.executeUpdate();
            }
        }
    }
}
